using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// Frames of one watched session waiting for its viewers (the SignalR group <c>session:{id}</c>).
/// Bounded: while the previous push to the group is still in flight, frames accumulate up to the
/// capacity and then the oldest are dropped and counted, and the next batch tells the viewers how many.
/// Used by the publisher's loop only.
/// </summary>
internal sealed class SessionTrafficBuffer
{
    private readonly Queue<TrafficEvent> _frames = new();
    private readonly int _capacity;
    private long _dropped;

    public SessionTrafficBuffer(string sessionId, int capacity)
    {
        SessionId = sessionId;
        _capacity = capacity;
    }

    public string SessionId { get; }

    /// <summary>The previous push to this session's viewers; a new one starts only when it has completed.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    public bool IsEmpty => _frames.Count == 0 && _dropped == 0;

    public int Count => _frames.Count;

    public void Add(TrafficEvent frame)
    {
        if (_frames.Count >= _capacity)
        {
            _frames.Dequeue();
            _dropped++;
        }

        _frames.Enqueue(frame);
    }

    /// <summary>Takes everything buffered as one batch and resets the dropped count.</summary>
    public TrafficBatch TakeBatch(int previewBytes)
    {
        var frames = new TrafficFrame[_frames.Count];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = DashboardRows.Frame(_frames.Dequeue(), previewBytes);
        }

        var batch = new TrafficBatch(SessionId, frames, _dropped);
        _dropped = 0;
        return batch;
    }
}
