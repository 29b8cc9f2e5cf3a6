using System.Text.Json.Serialization;

namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>A live session as a row of the dashboard's session table. Times are Unix milliseconds.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Listener">The listener's name.</param>
/// <param name="RemoteEndPoint">The client's address and port.</param>
/// <param name="ConnectedAt">When the client connected.</param>
/// <param name="LastReceivedAt">When the last byte arrived (0 if none did).</param>
/// <param name="LastSentAt">When the last frame was written (0 if none was).</param>
/// <param name="BytesIn">Bytes received.</param>
/// <param name="BytesOut">Bytes sent, framing included.</param>
/// <param name="FramesIn">Frames received.</param>
/// <param name="FramesOut">Frames sent.</param>
/// <param name="QueuedBytes">Bytes waiting to be sent: queued, or written but not yet taken by the peer's flush.</param>
/// <param name="Encrypted">Whether the connection uses TLS.</param>
/// <param name="Node">In a cluster, the node that holds the session; absent on a single node (the single-node payload is unchanged).</param>
/// <param name="DeviceId">The device the session is, once identified; absent before.</param>
/// <param name="LastMessage">The newest frame received, as a short safe line of text or hexadecimal; absent when there is none.</param>
public sealed record SessionRow(
    string Id,
    string Listener,
    string? RemoteEndPoint,
    long ConnectedAt,
    long LastReceivedAt,
    long LastSentAt,
    long BytesIn,
    long BytesOut,
    long FramesIn,
    long FramesOut,
    long QueuedBytes,
    bool Encrypted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Node = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeviceId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastMessage = null);
