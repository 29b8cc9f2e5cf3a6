using System.Text.Json.Serialization;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>A session that has ended, with why. Times are Unix milliseconds.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Listener">The listener's name.</param>
/// <param name="RemoteEndPoint">The client's address and port.</param>
/// <param name="ConnectedAt">When the client connected.</param>
/// <param name="ClosedAt">When the session ended.</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="Detail">More about why, when there is more to say.</param>
/// <param name="BytesIn">Bytes received over its life.</param>
/// <param name="BytesOut">Bytes sent over its life.</param>
/// <param name="FramesIn">Frames received over its life.</param>
/// <param name="FramesOut">Frames sent over its life.</param>
/// <param name="Node">In a cluster, the node that held the session; absent on a single node (the single-node payload is unchanged).</param>
public sealed record ClosedSessionRow(
    string Id,
    string Listener,
    string? RemoteEndPoint,
    long ConnectedAt,
    long ClosedAt,
    CloseReason Reason,
    string? Detail,
    long BytesIn,
    long BytesOut,
    long FramesIn,
    long FramesOut,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Node = null);
