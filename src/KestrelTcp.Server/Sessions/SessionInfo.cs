namespace KestrelTcp.Server.Sessions;

/// <summary>A point-in-time view of a session, live or closed, as the API and the dashboard show it.</summary>
/// <param name="Id">The session id (Kestrel's connection id).</param>
/// <param name="Listener">The listener's name.</param>
/// <param name="RemoteEndPoint">The client's address and port.</param>
/// <param name="LocalEndPoint">The server's address and port.</param>
/// <param name="ConnectedAt">When the client connected.</param>
/// <param name="LastReceivedAt">When the last byte arrived, if any did.</param>
/// <param name="LastSentAt">When the last frame was written, if any was.</param>
/// <param name="BytesIn">Bytes received.</param>
/// <param name="BytesOut">Bytes sent (framing included).</param>
/// <param name="FramesIn">Frames received.</param>
/// <param name="FramesOut">Frames sent.</param>
/// <param name="QueuedBytes">Bytes waiting to be sent: queued, or written but not yet taken by the peer's flush.</param>
/// <param name="Encrypted">Whether the connection uses TLS.</param>
/// <param name="ClosedAt">When the session ended; null while it is live.</param>
/// <param name="CloseReason">Why it ended; null while it is live.</param>
/// <param name="CloseDetail">More about why it ended, when there is more to say.</param>
/// <param name="Node">The cluster node that holds the session (the API fills it in; the data path does not know nodes).</param>
/// <param name="DeviceId">The device the session is (identified from its first frames or named by an operator); null while it is not identified.</param>
/// <param name="LastMessage">The newest frame received from the client, as a short safe line (<see cref="MessagePreview"/>):
/// text with line breaks escaped, or <c>0x</c> and hexadecimal for binary; null when its history holds no received frame.</param>
public sealed record SessionInfo(
    string Id,
    string Listener,
    string? RemoteEndPoint,
    string? LocalEndPoint,
    DateTimeOffset ConnectedAt,
    DateTimeOffset? LastReceivedAt,
    DateTimeOffset? LastSentAt,
    long BytesIn,
    long BytesOut,
    long FramesIn,
    long FramesOut,
    long QueuedBytes,
    bool Encrypted,
    DateTimeOffset? ClosedAt = null,
    CloseReason? CloseReason = null,
    string? CloseDetail = null,
    string? Node = null,
    string? DeviceId = null,
    string? LastMessage = null);
