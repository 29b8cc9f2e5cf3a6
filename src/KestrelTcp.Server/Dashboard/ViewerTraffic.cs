using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// What the publisher has pushed of one browser's watched traffic, and the pushes the browser has not
/// taken yet (its backlog, in estimated bytes). Each browser has its own cursor into each watched
/// session's ring, so a browser that stops reading falls behind alone: its new frames are dropped
/// once its backlog is full, counted, and the count goes with its next batch of that session.
/// Used by the publisher's loop only.
/// </summary>
internal sealed class ViewerTraffic
{
    /// <summary>Estimated bytes a frame costs beyond its text and hex (the objects and their JSON).</summary>
    internal const int FrameOverheadBytes = 96;

    private readonly Dictionary<Session, Cursor> _cursors = [];
    private readonly List<Pending> _pending = [];
    private readonly List<Session> _gone = [];
    private int _rotation;

    /// <summary>Estimated bytes of the pushes in flight to the browser.</summary>
    public long BacklogBytes { get; private set; }

    /// <summary>Frames this browser was not sent (backlog full, or overwritten in the ring), since it connected.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Set once the publisher has closed the browser as stuck.</summary>
    public bool Closing { get; set; }

    /// <summary>The estimated cost of a frame in a push: its strings as held in memory, and an overhead.</summary>
    public static long Cost(TrafficFrame frame) => (2L * (frame.Text.Length + frame.Hex.Length)) + FrameOverheadBytes;

    /// <summary>Forgets the pushes that have completed; returns when (<see cref="Environment.TickCount64"/>)
    /// the oldest push still in flight started, or null when none is.</summary>
    public long? Release()
    {
        long? oldest = null;
        var kept = 0;
        for (var i = 0; i < _pending.Count; i++)
        {
            var pending = _pending[i];
            if (pending.Push.IsCompleted)
            {
                BacklogBytes -= pending.Bytes;
                continue;
            }

            oldest = oldest is { } known ? Math.Min(known, pending.Started) : pending.Started;
            _pending[kept++] = pending;
        }

        _pending.RemoveRange(kept, _pending.Count - kept);
        return oldest;
    }

    /// <summary>Accounts a push until it completes.</summary>
    public void Add(Task push, long bytes, long started)
    {
        if (push.IsCompleted)
        {
            return;
        }

        _pending.Add(new Pending(push, bytes, started));
        BacklogBytes += bytes;
    }

    /// <summary>Forgets the cursors of sessions no longer in <paramref name="watched"/>.</summary>
    public void Forget(List<WatchedSession> watched)
    {
        foreach (var session in _cursors.Keys)
        {
            if (!watched.Exists(w => w.Session == session))
            {
                _gone.Add(session);
            }
        }

        foreach (var session in _gone)
        {
            _cursors.Remove(session);
        }

        _gone.Clear();
    }

    /// <summary>Where this flush starts among <paramref name="count"/> watched sessions: a different one
    /// each time, so that with a small budget no session always goes last.</summary>
    public int NextRotation(int count) => count == 0 ? 0 : (int)((uint)_rotation++ % (uint)count);

    /// <summary>
    /// The frames of <paramref name="watched"/> recorded since the last batch, at most <paramref name="limit"/>,
    /// the newest of them that fit in <paramref name="budget"/> (which this lowers by their
    /// <paramref name="cost"/>), with the count of those left out since the previous batch; null when
    /// there is nothing to send. With no budget left, every new frame is dropped and counted.
    /// </summary>
    public TrafficBatch? Take(WatchedSession watched, SessionHistory ring, int limit, int previewBytes, ref long budget, out long cost)
    {
        cost = 0;
        var cursor = CursorFor(watched, ring);
        if (budget <= 0)
        {
            // Skip without copying anything out of the ring.
            var recorded = ring.Count;
            if (recorded > cursor.Sent)
            {
                Drop(cursor, recorded - cursor.Sent);
                cursor.Sent = recorded;
            }

            return null;
        }

        var records = ring.Snapshot(limit, afterSequence: cursor.Sent);
        if (records.Length == 0)
        {
            return null;
        }

        var overwritten = records[0].Sequence - 1 - cursor.Sent;
        cursor.Sent = records[^1].Sequence;
        var frames = new TrafficFrame[records.Length];
        var first = records.Length;
        while (first > 0)
        {
            var frame = DashboardRows.Frame(records[first - 1], previewBytes);
            var frameCost = Cost(frame);
            if (cost + frameCost > budget)
            {
                break;
            }

            frames[--first] = frame;
            cost += frameCost;
        }

        Drop(cursor, overwritten + first);
        if (first == records.Length)
        {
            return null;
        }

        budget -= cost;
        var batch = new TrafficBatch(watched.Session.Id, first == 0 ? frames : frames[first..], cursor.Dropped);
        cursor.Dropped = 0;
        return batch;
    }

    private Cursor CursorFor(WatchedSession watched, SessionHistory ring)
    {
        if (_cursors.TryGetValue(watched.Session, out var cursor) && cursor.Ring == ring)
        {
            return cursor;
        }

        // A new watch starts where the ring was when it began. A ring replaced since (every browser
        // unwatched the session and one watched it again) is new: all its frames are.
        var start = cursor is null && watched.StartSequence <= ring.Count ? watched.StartSequence : 0;
        cursor = new Cursor(ring) { Sent = start, Dropped = cursor?.Dropped ?? 0 };
        _cursors[watched.Session] = cursor;
        return cursor;
    }

    private void Drop(Cursor cursor, long frames)
    {
        cursor.Dropped += frames;
        DroppedFrames += frames;
    }

    private sealed class Cursor(SessionHistory ring)
    {
        public SessionHistory Ring { get; } = ring;

        /// <summary>The ring sequence of the last frame sent or dropped.</summary>
        public long Sent { get; set; }

        /// <summary>Frames dropped since the last batch, told with the next one.</summary>
        public long Dropped { get; set; }
    }

    private readonly record struct Pending(Task Push, long Bytes, long Started);
}
