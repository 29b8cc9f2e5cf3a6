using System.Threading.Tasks.Sources;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// A session's outbound queue: many producers, one consumer (the write loop). Producers can add
/// several frames and wake the writer once, so a read that decodes 32 pipelined frames costs one
/// flush. The writer's continuation runs inline on the thread that wakes it: when the read loop
/// echoes, the write happens on the same thread with no hop through the thread pool, yet the write
/// loop stays the only code that touches the output pipe.
/// The frames sit in a small ring that grows by doubling, guarded by this object's monitor (a thin
/// lock in the object header: no lock object per session, one compare-and-swap when uncontended).
/// A request/response session keeps one or two frames here, so each request touches the same one or
/// two cache lines, which matters with thousands of sessions taking turns.
/// </summary>
internal sealed class OutboundQueue : IValueTaskSource<bool>
{
    // The writer's state: busy, or parked waiting for a frame.
    private const int Busy = 0;
    private const int Waiting = 1;

    private const int FirstCapacity = 4;

    // Created on first use: an idle session never sends. The ring holds _count frames from _head.
    private OutboundFrame[]? _ring;
    private int _head;
    private int _count;
    private ManualResetValueTaskSourceCore<bool> _signal;
    private int _waiting;
    private int _completed;

    public OutboundQueue() => _signal.RunContinuationsAsynchronously = false;

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Adds a frame; false when the queue is completed (the caller still owns the frame).</summary>
    public bool TryWrite(OutboundFrame frame, bool wake = true)
    {
        if (IsCompleted)
        {
            return false;
        }

        lock (this)
        {
            var ring = _ring;
            if (ring is null)
            {
                ring = _ring = new OutboundFrame[FirstCapacity];
            }
            else if (_count == ring.Length)
            {
                ring = Grow(ring);
            }

            ring[(_head + _count) & (ring.Length - 1)] = frame;
            _count++;
        }

        // Taking the monitor was a full fence, and the writer raises its flag before it looks at the
        // ring under the same monitor: either it sees this frame or this sees the flag.
        if (wake)
        {
            Wake();
        }

        return true;
    }

    public bool TryRead(out OutboundFrame frame)
    {
        lock (this)
        {
            if (_count == 0)
            {
                frame = default;
                return false;
            }

            var ring = _ring!;
            frame = ring[_head];
            ring[_head] = default;
            _head = (_head + 1) & (ring.Length - 1);
            _count--;
            return true;
        }
    }

    /// <summary>Resumes the writer if it is waiting for frames.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _waiting) == Waiting && Interlocked.CompareExchange(ref _waiting, Busy, Waiting) == Waiting)
        {
            _signal.SetResult(true);
        }
    }

    /// <summary>No more frames will be accepted; the writer drains what is queued and stops.</summary>
    public void Complete()
    {
        Interlocked.Exchange(ref _completed, 1);
        Wake();
    }

    /// <summary>Waits until there is something to read (true) or the queue is completed and empty (false).
    /// Only the single consumer may call this, and never concurrently with itself.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        if (!IsEmpty)
        {
            return new ValueTask<bool>(true);
        }

        if (IsCompleted)
        {
            return new ValueTask<bool>(!IsEmpty);
        }

        _signal.Reset();
        Interlocked.Exchange(ref _waiting, Waiting);

        // A producer may have added a frame (or completed) between the checks above and raising the
        // flag; if we can take the flag back, nobody will signal, so answer now. Raising the flag is a
        // full fence: a producer adds its frame and then looks at the flag, the writer raises the flag
        // and then looks at the queue, so one of them always sees the other (a plain volatile write
        // could be reordered after the look at the queue, and the wake-up lost).
        if ((!IsEmpty || IsCompleted) && Interlocked.CompareExchange(ref _waiting, Busy, Waiting) == Waiting)
        {
            return new ValueTask<bool>(!IsEmpty || !IsCompleted);
        }

        return new ValueTask<bool>(this, _signal.Version);
    }

    private bool IsEmpty
    {
        get
        {
            lock (this)
            {
                return _count == 0;
            }
        }
    }

    /// <summary>Doubles the ring (a power of two), oldest frame first. Caller holds the monitor.</summary>
    private OutboundFrame[] Grow(OutboundFrame[] ring)
    {
        var grown = new OutboundFrame[ring.Length * 2];
        var first = ring.Length - _head;
        Array.Copy(ring, _head, grown, 0, first);
        Array.Copy(ring, 0, grown, first, _head);
        _head = 0;
        _ring = grown;
        return grown;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token) && (!IsEmpty || !IsCompleted);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);
}
