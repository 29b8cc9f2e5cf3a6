namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>A request published on the owner's command channel (<see cref="ClusterKeys.Commands"/>). The
/// node that took the operator's request has checked it and written its audit row; the owner carries it
/// out without a second row.</summary>
/// <param name="Id">Unique per request; the reply carries it back.</param>
/// <param name="From">The asking node: the reply goes to its reply channel.</param>
/// <param name="Kind">What to do.</param>
/// <param name="Actor">Who asked (for the owner's log line; Drain: its drain log line too).</param>
/// <param name="SessionIds">Send, Kick: the owner's sessions named; GetSession, GetMessages: the one session.</param>
/// <param name="Payload">Send, Broadcast: the bytes (before framing).</param>
/// <param name="Listener">Broadcast: the listener.</param>
/// <param name="Reason">Kick: the reason.</param>
/// <param name="Limit">GetMessages: most frames; ReadAudit: most rows.</param>
/// <param name="After">GetMessages: only frames after this sequence.</param>
internal sealed record NodeRequest(
    string Id,
    string From,
    NodeRequestKind Kind,
    string? Actor = null,
    string[]? SessionIds = null,
    byte[]? Payload = null,
    string? Listener = null,
    string? Reason = null,
    int? Limit = null,
    long After = 0);
