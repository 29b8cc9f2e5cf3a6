namespace KestrelTcp.Server.Sessions;

/// <summary>The outcome of a send, broadcast or kick.</summary>
/// <param name="Status">Whether it was done, and if not, why.</param>
/// <param name="Error">What was wrong, when <paramref name="Status"/> is not Ok.</param>
/// <param name="Sessions">The sessions it was done to.</param>
/// <param name="Failed">Sessions that closed between validation and sending, with the reason.</param>
/// <param name="Bytes">The payload size in bytes (zero for a kick).</param>
public sealed record CommandResult(CommandStatus Status, string? Error, IReadOnlyList<string> Sessions, IReadOnlyDictionary<string, SendResult> Failed, int Bytes)
{
    private static readonly Dictionary<string, SendResult> NoFailures = [];

    public static CommandResult Invalid(string error) => new(CommandStatus.Invalid, error, [], NoFailures, 0);

    public static CommandResult NotFound(string error) => new(CommandStatus.NotFound, error, [], NoFailures, 0);

    public static CommandResult Forbidden(string error) => new(CommandStatus.Forbidden, error, [], NoFailures, 0);

    public static CommandResult Ok(IReadOnlyList<string> sessions, IReadOnlyDictionary<string, SendResult>? failed, int bytes) =>
        new(CommandStatus.Ok, null, sessions, failed ?? NoFailures, bytes);
}
