using System.Text;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>Turns sessions, and recorded frames into the hub's records.</summary>
internal static class DashboardRows
{
    /// <summary>A live session's row; <paramref name="node"/> names its node in a cluster (else the info's own).</summary>
    public static SessionRow Row(SessionInfo s, string? node = null) => new(
        s.Id,
        s.Listener,
        s.RemoteEndPoint,
        s.ConnectedAt.ToUnixTimeMilliseconds(),
        s.LastReceivedAt?.ToUnixTimeMilliseconds() ?? 0,
        s.LastSentAt?.ToUnixTimeMilliseconds() ?? 0,
        s.BytesIn,
        s.BytesOut,
        s.FramesIn,
        s.FramesOut,
        s.QueuedBytes,
        s.Encrypted,
        node ?? s.Node,
        s.DeviceId,
        s.LastMessage);

    public static ClosedSessionRow Closed(SessionInfo s, string? node = null) => new(
        s.Id,
        s.Listener,
        s.RemoteEndPoint,
        s.ConnectedAt.ToUnixTimeMilliseconds(),
        (s.ClosedAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
        s.CloseReason ?? CloseReason.Error,
        s.CloseDetail,
        s.BytesIn,
        s.BytesOut,
        s.FramesIn,
        s.FramesOut,
        node ?? s.Node);

    public static TrafficFrame Frame(FrameRecord frame, int previewBytes) =>
        Frame(frame.Timestamp, frame.Direction, frame.Length, frame.Preview, previewBytes);

    public static ListenerSummary Summary(Listener listener) => new(
        listener.Name,
        listener.BoundEndPoint?.ToString() ?? $"{listener.Options.Address}:{listener.Options.Port}",
        listener.Mode,
        listener.Options.Framing.ToString(),
        listener.Options.MaxConnections);

    public static NodeRow Node(Cluster.NodeInfo n) => new(
        n.Name,
        n.Address,
        n.Version,
        n.StartedAt.ToUnixTimeMilliseconds(),
        n.Sessions,
        n.LastHeartbeat.ToUnixTimeMilliseconds(),
        n.State,
        n.Local);

    private static TrafficFrame Frame(DateTimeOffset time, FrameDirection direction, int length, byte[] preview, int previewBytes)
    {
        var shown = preview.AsSpan(0, Math.Min(preview.Length, previewBytes));
        return new TrafficFrame(
            time.ToUnixTimeMilliseconds(),
            direction,
            length,
            shown.Length < length,
            Encoding.UTF8.GetString(shown),
            Convert.ToHexString(shown));
    }
}
