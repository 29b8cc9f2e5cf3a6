namespace KestrelTcp.Server.Security;

/// <summary>What a refused request asked for, as far as it can be read from the request.</summary>
/// <param name="Listener">The listener of a broadcast.</param>
/// <param name="Sessions">The sessions named.</param>
/// <param name="Payload">The decoded payload, for sends and broadcasts.</param>
/// <param name="Detail">Anything else worth keeping (a kick reason).</param>
internal sealed record AuditTarget(string? Listener, IReadOnlyList<string>? Sessions, byte[]? Payload, string? Detail)
{
    public static readonly AuditTarget Unknown = new(null, null, null, null);
}
