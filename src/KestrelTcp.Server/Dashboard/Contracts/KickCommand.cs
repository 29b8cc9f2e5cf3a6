namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>Disconnect the chosen sessions.</summary>
/// <param name="SessionIds">The sessions to disconnect.</param>
/// <param name="Reason">Why, for the close detail and the audit log.</param>
public sealed record KickCommand(IReadOnlyList<string> SessionIds, string? Reason);
