namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The busiest live sessions over the last minute or so, by bytes and by frames (both directions). Every
/// session carries two marks of its traffic; <see cref="Mark"/>, called every <see cref="MarkInterval"/>,
/// moves them on, and <see cref="Busiest"/> measures each session against its older mark: what it did in the
/// last one to two intervals. Nothing is kept per session beyond the four counters, and nothing runs on the
/// data path: both calls walk the registry.
/// </summary>
internal sealed class SessionActivity(SessionRegistry registry, TimeProvider time)
{
    /// <summary>How often the marks move on: the window the busiest sessions are measured over is one to
    /// two of these long.</summary>
    public static readonly TimeSpan MarkInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private long _olderMarkAt = time.GetTimestamp();
    private long _newerMarkAt = time.GetTimestamp();

    /// <summary>Moves every live session's marks on. One caller at a time (the capacity monitor's loop).</summary>
    public void Mark()
    {
        lock (_gate)
        {
            foreach (var session in registry.Live())
            {
                session.MarkActivity();
            }

            _olderMarkAt = _newerMarkAt;
            _newerMarkAt = time.GetTimestamp();
        }
    }

    /// <summary>The <paramref name="count"/> sessions that moved the most bytes and the most frames since the older mark.</summary>
    public BusiestSessions Busiest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var byBytes = new TopList(count);
        var byFrames = new TopList(count);
        long since;
        lock (_gate)
        {
            since = _olderMarkAt;
        }

        foreach (var session in registry.Live())
        {
            var (bytes, frames) = session.ActivitySinceOlderMark();
            byBytes.Offer(session, bytes, frames, bytes);
            byFrames.Offer(session, bytes, frames, frames);
        }

        var seconds = Math.Max(time.GetElapsedTime(since).TotalSeconds, 0.001);
        return new BusiestSessions(Math.Round(seconds, 1), byBytes.ToArray(seconds), byFrames.ToArray(seconds));
    }

    /// <summary>The top entries by a key, kept sorted in a fixed array: a handful of entries, so an
    /// insertion sort beats a heap and allocates nothing per session.</summary>
    private sealed class TopList(int capacity)
    {
        private readonly (Session Session, long Bytes, long Frames, long Key)[] _entries = new (Session, long, long, long)[capacity];
        private int _count;

        public void Offer(Session session, long bytes, long frames, long key)
        {
            if (key <= 0 || (_count == _entries.Length && key <= _entries[_count - 1].Key))
            {
                return;
            }

            var at = _count < _entries.Length ? _count++ : _count - 1;
            while (at > 0 && _entries[at - 1].Key < key)
            {
                _entries[at] = _entries[at - 1];
                at--;
            }

            _entries[at] = (session, bytes, frames, key);
        }

        public SessionActivityEntry[] ToArray(double seconds)
        {
            var result = new SessionActivityEntry[_count];
            for (var i = 0; i < _count; i++)
            {
                var (session, bytes, frames, _) = _entries[i];
                result[i] = new SessionActivityEntry(
                    session.Id,
                    session.Listener.Name,
                    session.RemoteEndPointText,
                    session.DeviceId,
                    bytes,
                    frames,
                    Math.Round(bytes / seconds, 1),
                    Math.Round(frames / seconds, 1));
            }

            return result;
        }
    }
}
