namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    // The session's traffic (bytes and frames, both ways) at the last two marks of SessionActivity, which
    // alone writes them, one thread at a time: what the busiest-sessions list measures against. Zero until
    // the first mark, so a session that opened since counts everything it did.
    private long _olderMarkBytes;
    private long _olderMarkFrames;
    private long _newerMarkBytes;
    private long _newerMarkFrames;

    /// <summary>Moves the newer mark to the older one and marks the traffic now (<see cref="SessionActivity.Mark"/>).</summary>
    internal void MarkActivity()
    {
        _olderMarkBytes = _newerMarkBytes;
        _olderMarkFrames = _newerMarkFrames;
        _newerMarkBytes = BytesIn + BytesOut;
        _newerMarkFrames = FramesIn + FramesOut;
    }

    /// <summary>Bytes and frames, both ways, since the older mark.</summary>
    internal (long Bytes, long Frames) ActivitySinceOlderMark() =>
        (Math.Max(0, BytesIn + BytesOut - Volatile.Read(ref _olderMarkBytes)), Math.Max(0, FramesIn + FramesOut - Volatile.Read(ref _olderMarkFrames)));
}
