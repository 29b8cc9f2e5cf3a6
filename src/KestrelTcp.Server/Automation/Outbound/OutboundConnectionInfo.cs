using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>An outbound connection as <c>GET /api/connections</c> shows it.</summary>
/// <param name="Name">Its name, which is also the listener name of its sessions.</param>
/// <param name="Target">What it dials (<c>host:port</c>).</param>
/// <param name="Source"><c>config</c> (<c>KestrelTcp:Outbound:{name}</c>, cannot be deleted through the API) or <c>api</c>.</param>
/// <param name="Mode">Always <c>outbound</c>, as a listener has its mode.</param>
/// <param name="Framing">Its framing options.</param>
/// <param name="FramingText">Its framing in words.</param>
/// <param name="State">Where its dial loop is.</param>
/// <param name="LastError">Why the last dial failed or the last session ended; null when none did.</param>
/// <param name="Attempts">Dials made since it was (re)started.</param>
/// <param name="SessionId">Its live session, when connected.</param>
/// <param name="ConnectedAt">When its live session started.</param>
/// <param name="NextAttemptAt">When it dials again, in Backoff.</param>
/// <param name="ReconnectMinMs">The first redial delay.</param>
/// <param name="ReconnectMaxMs">The longest redial delay.</param>
public sealed record OutboundConnectionInfo(
    string Name,
    string Target,
    string Source,
    string Mode,
    FramingOptions Framing,
    string FramingText,
    OutboundState State,
    string? LastError,
    long Attempts,
    string? SessionId,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? NextAttemptAt,
    long ReconnectMinMs,
    long ReconnectMaxMs);
