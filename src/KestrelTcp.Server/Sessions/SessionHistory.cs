using System.Buffers;
using System.Numerics;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// A bounded ring of a session's recent frames. Slots and their preview buffers are allocated on
/// first use and then reused, so an idle session costs nothing and a busy one stops allocating once
/// the ring has filled. Writers are the session's own loops; readers (API, dashboard) take a lock
/// that only this session's loops contend for.
/// </summary>
internal sealed class SessionHistory
{
    private readonly int _capacity;
    private readonly int _previewBytes;
    private readonly Lock _gate = new();
    private Slot[]? _slots;
    private long _count;
    private int _next;

    public SessionHistory(int capacity, int previewBytes)
    {
        _capacity = capacity;
        _previewBytes = previewBytes;
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>How many frames the ring keeps; 0 when history is off.</summary>
    public int Capacity => _capacity;

    public void Record(FrameDirection direction, in ReadOnlySequence<byte> frame, long timestampTicks)
    {
        if (_capacity == 0)
        {
            return;
        }

        lock (_gate)
        {
            RecordLocked(direction, frame, timestampTicks);
        }
    }

    public void Record(FrameDirection direction, ReadOnlySpan<byte> frame, long timestampTicks)
    {
        if (_capacity == 0)
        {
            return;
        }

        lock (_gate)
        {
            RecordLocked(direction, frame, timestampTicks);
        }
    }

    /// <summary>
    /// Takes the lock once for many frames (every frame of one read, or one batch of writes). Dispose it
    /// before anything that can wait: readers of the history wait for it. With <paramref name="hold"/>
    /// false each record takes the lock on its own, for callers that reach into other sessions between
    /// records (a broker's fan-out can run another session's writer inline, which takes that session's
    /// lock; holding ours meanwhile could deadlock against that session doing the same).
    /// </summary>
    public Batch BeginBatch(bool hold = true) => new(this, hold);

    /// <summary>The most recent frames, oldest first, at most <paramref name="limit"/>, only those after <paramref name="afterSequence"/>.</summary>
    public FrameRecord[] Snapshot(int limit = int.MaxValue, long afterSequence = 0)
    {
        lock (_gate)
        {
            if (_slots is null)
            {
                return [];
            }

            var first = Math.Max(Math.Max(0, _count - _capacity), afterSequence);
            first = Math.Max(first, _count - limit);
            var result = new FrameRecord[Math.Max(0, _count - first)];
            for (var i = 0; i < result.Length; i++)
            {
                var sequence = first + i;
                ref var slot = ref _slots[sequence % _capacity];
                result[i] = new FrameRecord(
                    sequence + 1,
                    new DateTimeOffset(slot.TimestampTicks, TimeSpan.Zero),
                    slot.Direction,
                    slot.Length,
                    slot.Preview.AsSpan(0, slot.PreviewLength).ToArray());
            }

            return result;
        }
    }

    private void RecordLocked(FrameDirection direction, in ReadOnlySequence<byte> frame, long timestampTicks)
    {
        if (frame.IsSingleSegment)
        {
            RecordLocked(direction, frame.FirstSpan, timestampTicks);
            return;
        }

        var previewLength = (int)Math.Min(frame.Length, _previewBytes);
        ref var slot = ref NextSlot(previewLength);
        frame.Slice(0, previewLength).CopyTo(slot.Preview);
        Fill(ref slot, direction, previewLength, frame.Length, timestampTicks);
    }

    private void RecordLocked(FrameDirection direction, ReadOnlySpan<byte> frame, long timestampTicks)
    {
        var previewLength = Math.Min(frame.Length, _previewBytes);
        ref var slot = ref NextSlot(previewLength);
        frame[..previewLength].CopyTo(slot.Preview);
        Fill(ref slot, direction, previewLength, frame.Length, timestampTicks);
    }

    /// <summary>The slot the next frame goes in, with a preview buffer big enough. Caller holds the lock.</summary>
    private ref Slot NextSlot(int previewLength)
    {
        _slots ??= new Slot[_capacity];
        ref var slot = ref _slots[_next];
        if (slot.Preview is null || slot.Preview.Length < previewLength)
        {
            // Round up so that a slot is not reallocated for every slightly larger frame.
            slot.Preview = new byte[Math.Min(_previewBytes, Math.Max(64, (int)BitOperations.RoundUpToPowerOf2((uint)previewLength)))];
        }

        return ref slot;
    }

    /// <summary>Completes the slot <see cref="NextSlot"/> returned and moves on. Caller holds the lock.</summary>
    private void Fill(ref Slot slot, FrameDirection direction, int previewLength, long length, long timestampTicks)
    {
        slot.PreviewLength = previewLength;
        slot.Length = (int)Math.Min(length, int.MaxValue);
        slot.Direction = direction;
        slot.TimestampTicks = timestampTicks;
        _next = _next + 1 == _capacity ? 0 : _next + 1;
        _count++;
    }

    /// <summary>Records many frames, under one hold of the history's lock or taking it per frame (none when history is off).</summary>
    public ref struct Batch
    {
        private readonly SessionHistory? _history;
        private readonly bool _held;
        private Lock.Scope _scope;

        internal Batch(SessionHistory history, bool hold)
        {
            if (history._capacity > 0)
            {
                _history = history;
                _held = hold;
                if (hold)
                {
                    _scope = history._gate.EnterScope();
                }
            }
        }

        public readonly void Record(FrameDirection direction, in ReadOnlySequence<byte> frame, long timestampTicks)
        {
            if (_held)
            {
                _history!.RecordLocked(direction, frame, timestampTicks);
            }
            else
            {
                _history?.Record(direction, frame, timestampTicks);
            }
        }

        public readonly void Record(FrameDirection direction, ReadOnlySpan<byte> frame, long timestampTicks)
        {
            if (_held)
            {
                _history!.RecordLocked(direction, frame, timestampTicks);
            }
            else
            {
                _history?.Record(direction, frame, timestampTicks);
            }
        }

        public void Dispose()
        {
            if (_held)
            {
                _scope.Dispose();
            }
        }
    }

    private struct Slot
    {
        public byte[] Preview;
        public int PreviewLength;
        public int Length;
        public FrameDirection Direction;
        public long TimestampTicks;
    }
}
