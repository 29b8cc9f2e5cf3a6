using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

internal sealed partial class DashboardPublisher
{
    private readonly Dictionary<string, SessionTrafficBuffer> _traffic = new(StringComparer.Ordinal);
    private readonly List<string> _idle = [];

    /// <summary>
    /// Moves watched frames from the session streams into per-session buffers, and sends each buffer
    /// whose previous push has completed to its session's group as one batch. Sessions are only in the
    /// traffic stream while someone watches them, so nobody else ever receives their traffic.
    /// </summary>
    private void FlushTraffic()
    {
        var reader = _events.Traffic;
        for (var read = 0; read < SessionEvents.TrafficCapacity && reader.TryRead(out var frame); read++)
        {
            if (!_traffic.TryGetValue(frame.SessionId, out var buffer))
            {
                buffer = new SessionTrafficBuffer(frame.SessionId, _options.TrafficBufferFrames);
                _traffic.Add(frame.SessionId, buffer);
            }

            buffer.Add(frame);
        }

        foreach (var buffer in _traffic.Values)
        {
            if (!buffer.InFlight.IsCompleted)
            {
                continue;
            }

            if (buffer.IsEmpty)
            {
                _idle.Add(buffer.SessionId);
                continue;
            }

            var batch = buffer.TakeBatch(_options.TrafficPreviewBytes);
            var send = _hub.Clients.Group(DashboardGroups.Session(buffer.SessionId)).Traffic(batch);
            buffer.InFlight = send.IsCompletedSuccessfully ? Task.CompletedTask : ObserveAsync(DashboardGroups.Session(buffer.SessionId), send);
        }

        foreach (var id in _idle)
        {
            _traffic.Remove(id);
        }

        _idle.Clear();
    }
}
