using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>POST /api/connections</c>.</summary>
/// <param name="Name">The connection's name, also its sessions' listener name.</param>
/// <param name="Target"><c>host:port</c> to dial; must be in <c>KestrelTcp:Outbound:AllowedTargets</c>.</param>
/// <param name="Framing">Its framing, with a listener's options; Line when absent.</param>
/// <param name="ReconnectMinMs">First redial delay; default 1,000.</param>
/// <param name="ReconnectMaxMs">Longest redial delay; default 60,000.</param>
/// <param name="IdleTimeoutMs">Close (and redial) after this long without traffic; default 0, off.</param>
internal sealed record ConnectionCreateRequest(
    string? Name,
    string? Target,
    FramingOptions? Framing,
    long? ReconnectMinMs,
    long? ReconnectMaxMs,
    long? IdleTimeoutMs);
