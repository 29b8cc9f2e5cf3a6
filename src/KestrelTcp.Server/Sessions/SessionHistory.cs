using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// A session's recent frames in one ring of bytes: each record is a 16-byte header and the frame's
/// preview, stored back to back, so the ring's memory is bounded in bytes whatever the frames' sizes.
/// It keeps at most <see cref="Capacity"/> frames and at most <see cref="MaxBytes"/> bytes, evicting
/// the oldest to make room. The buffer is allocated on the first frame and grows in doubling steps
/// (each step reserved from the process-wide <see cref="HistoryBudget"/>) up to <see cref="MaxBytes"/>;
/// once at size it is reused, so recording allocates nothing. When the budget refuses a step the ring
/// keeps the size it has and evicts within it. Writers are the session's own loops; readers (API,
/// dashboard) take a lock that only this session's loops contend for.
/// </summary>
internal sealed class SessionHistory
{
    /// <summary>The bytes of a record's header (timestamp, length, preview length and direction).</summary>
    public const int HeaderBytes = 16;

    /// <summary>The first buffer's smallest size: small frames do not start with a sliver.</summary>
    public const int MinBufferBytes = 1024;

    private readonly int _capacity;
    private readonly int _previewBytes;
    private readonly int _maxBytes;
    private readonly HistoryBudget _budget;
    private readonly Lock _gate = new();
    private byte[]? _buffer;
    private long _count;
    private int _live;
    private int _head;
    private int _tail;
    private int _wrapEnd;
    private bool _wrapped;

    // Where the newest received frame's record starts, or -1 when the ring holds none (for the
    // "last message" a session shows without walking its ring).
    private int _newestIn = -1;
    private bool _released;
    private bool _refused;
    private long _refusedAtGeneration = -1;

    /// <param name="capacity">Frames kept at most; 0 turns the history off.</param>
    /// <param name="previewBytes">Bytes of each frame kept at most.</param>
    /// <param name="maxBytes">Bytes of the ring at most, headers included; 0 turns the history off.</param>
    /// <param name="budget">Where buffer growth is reserved; none for a ring bounded only by <paramref name="maxBytes"/>.</param>
    public SessionHistory(int capacity, int previewBytes, int maxBytes, HistoryBudget? budget = null)
    {
        var enabled = capacity > 0 && maxBytes > HeaderBytes && previewBytes > 0;
        _capacity = enabled ? capacity : 0;
        _previewBytes = previewBytes;
        _maxBytes = enabled ? maxBytes : 0;
        _budget = budget ?? HistoryBudget.Unlimited;
    }

    /// <summary>Frames recorded so far (also those evicted since).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>How many frames the ring keeps at most; 0 when history is off.</summary>
    public int Capacity => _capacity;

    /// <summary>The most bytes the ring's buffer grows to.</summary>
    public int MaxBytes => _maxBytes;

    /// <summary>The size of the buffer now (0 until the first frame, and after <see cref="Release"/>).</summary>
    public int BufferBytes
    {
        get
        {
            lock (_gate)
            {
                return _buffer?.Length ?? 0;
            }
        }
    }

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
            if (_buffer is null || _live == 0)
            {
                return [];
            }

            // Sequences are 1-based; the ring holds the contiguous run oldest..newest.
            var oldest = _count - _live + 1;
            var first = Math.Max(oldest, afterSequence + 1);
            first = Math.Max(first, _count - Math.Max(0, limit) + 1);
            var result = new FrameRecord[Math.Max(0, _count - first + 1)];
            var position = _head;
            var wrapped = _wrapped;
            var index = 0;
            for (var sequence = oldest; sequence <= _count; sequence++)
            {
                var header = ReadHeader(position);
                if (sequence >= first)
                {
                    result[index++] = new FrameRecord(
                        sequence,
                        new DateTimeOffset(header.TimestampTicks, TimeSpan.Zero),
                        header.Direction,
                        header.Length,
                        _buffer.AsSpan(position + HeaderBytes, header.PreviewLength).ToArray());
                }

                position += HeaderBytes + header.PreviewLength;
                if (wrapped && position == _wrapEnd)
                {
                    position = 0;
                    wrapped = false;
                }
            }

            return result;
        }
    }

    /// <summary>
    /// The newest received frame still in the ring: up to <paramref name="maxBytes"/> of its kept bytes,
    /// and its real length in <paramref name="length"/>; null when the ring holds no received frame.
    /// </summary>
    public byte[]? NewestReceived(int maxBytes, out int length)
    {
        lock (_gate)
        {
            if (_buffer is null || _newestIn < 0)
            {
                length = 0;
                return null;
            }

            var header = ReadHeader(_newestIn);
            length = header.Length;
            return _buffer.AsSpan(_newestIn + HeaderBytes, Math.Min(header.PreviewLength, Math.Max(0, maxBytes))).ToArray();
        }
    }

    /// <summary>Drops the buffer and gives its bytes back to the budget (the session has closed); later
    /// frames are not recorded.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            if (_buffer is { } buffer)
            {
                _buffer = null;
                _live = 0;
                _newestIn = -1;
                _head = _tail = _wrapEnd = 0;
                _wrapped = false;
                _budget.Release(buffer.Length);
            }
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
        if (Reserve(ref previewLength) is var at and >= 0)
        {
            frame.Slice(0, previewLength).CopyTo(_buffer.AsSpan(at + HeaderBytes, previewLength));
            Commit(at, direction, previewLength, frame.Length, timestampTicks);
        }
    }

    private void RecordLocked(FrameDirection direction, ReadOnlySpan<byte> frame, long timestampTicks)
    {
        var previewLength = Math.Min(frame.Length, _previewBytes);
        if (Reserve(ref previewLength) is var at and >= 0)
        {
            frame[..previewLength].CopyTo(_buffer.AsSpan(at + HeaderBytes, previewLength));
            Commit(at, direction, previewLength, frame.Length, timestampTicks);
        }
    }

    /// <summary>
    /// Makes room for a record and returns where it goes; -1 when it cannot be recorded (the session has
    /// closed, or there is no buffer and the budget refused one; the frame still takes its sequence
    /// number, so a reader sees it as dropped). Shortens <paramref name="previewLength"/> to what the
    /// buffer can hold. Caller holds the lock.
    /// </summary>
    private int Reserve(ref int previewLength)
    {
        if (_released)
        {
            return -1;
        }

        var size = HeaderBytes + previewLength;
        if (_live == _capacity)
        {
            EvictOldest();
        }

        while (true)
        {
            if (TryPlace(size) is var at and >= 0)
            {
                return at;
            }

            if (TryGrow(size))
            {
                continue;
            }

            if (_live > 0)
            {
                EvictOldest();
                continue;
            }

            // Empty and as large as it may get: the preview is cut to the whole buffer.
            if (_buffer is null)
            {
                _count++;
                return -1;
            }

            previewLength = _buffer.Length - HeaderBytes;
            size = _buffer.Length;
        }
    }

    /// <summary>Where a record of <paramref name="size"/> bytes fits in the free space, moving the tail
    /// to the start when it fits only there; -1 when it does not fit.</summary>
    private int TryPlace(int size)
    {
        if (_buffer is null)
        {
            return -1;
        }

        if (_wrapped)
        {
            return _tail + size <= _head ? _tail : -1;
        }

        if (_tail + size <= _buffer.Length)
        {
            return _tail;
        }

        if (size <= _head)
        {
            // The records now run from the head to here, then from the start of the buffer.
            _wrapEnd = _tail;
            _tail = 0;
            _wrapped = true;
            return 0;
        }

        return -1;
    }

    /// <summary>Grows the buffer one doubling step (at least enough for the records held and a record of
    /// <paramref name="size"/>, at most <see cref="MaxBytes"/>), reserving the growth from the budget;
    /// false at the maximum or when the budget refuses (then not again until the budget has had bytes back).</summary>
    private bool TryGrow(int size)
    {
        var current = _buffer?.Length ?? 0;
        if (current >= _maxBytes || _refusedAtGeneration == _budget.Generation)
        {
            return false;
        }

        var used = UsedBytes();
        var wanted = (long)Math.Max(current * 2L, Math.Max(MinBufferBytes, BitOperations.RoundUpToPowerOf2((uint)(used + size))));
        var next = (int)Math.Min(wanted, _maxBytes);
        var generation = _budget.Generation;
        if (!_budget.TryReserve(next - current))
        {
            _refusedAtGeneration = generation;
            if (!_refused)
            {
                _refused = true;
                _budget.ReportRefused();
            }

            return false;
        }

        var grown = new byte[next];
        if (_newestIn >= 0)
        {
            // The records move to the start of the new buffer, oldest first: so does this one.
            _newestIn = !_wrapped || _newestIn >= _head ? _newestIn - _head : _newestIn + (_wrapEnd - _head);
        }

        if (_buffer is { } old)
        {
            // Lay the records out from the start of the new buffer, oldest first.
            if (_wrapped)
            {
                var firstPart = _wrapEnd - _head;
                old.AsSpan(_head, firstPart).CopyTo(grown);
                old.AsSpan(0, _tail).CopyTo(grown.AsSpan(firstPart));
            }
            else
            {
                old.AsSpan(_head, _tail - _head).CopyTo(grown);
            }
        }

        _buffer = grown;
        _head = 0;
        _tail = used;
        _wrapEnd = 0;
        _wrapped = false;
        return true;
    }

    private int UsedBytes() => _buffer is null || _live == 0 ? 0 : _wrapped ? _wrapEnd - _head + _tail : _tail - _head;

    private void EvictOldest()
    {
        if (_head == _newestIn)
        {
            _newestIn = -1;
        }

        _head += HeaderBytes + ReadHeader(_head).PreviewLength;
        _live--;
        if (_live == 0)
        {
            // Empty: start again at the beginning, where the whole buffer is one free run.
            _head = _tail = _wrapEnd = 0;
            _wrapped = false;
        }
        else if (_wrapped && _head == _wrapEnd)
        {
            _head = 0;
            _wrapped = false;
        }
    }

    /// <summary>Writes the header of the record at <paramref name="at"/> (its preview is in place) and counts it. Caller holds the lock.</summary>
    private void Commit(int at, FrameDirection direction, int previewLength, long length, long timestampTicks)
    {
        var header = new RecordHeader(timestampTicks, (int)Math.Min(length, int.MaxValue), previewLength, direction);
        MemoryMarshal.Write(_buffer.AsSpan(at, HeaderBytes), in header);
        if (direction == FrameDirection.In)
        {
            _newestIn = at;
        }

        _tail = at + HeaderBytes + previewLength;
        _live++;
        _count++;
    }

    private RecordHeader ReadHeader(int at) => MemoryMarshal.Read<RecordHeader>(_buffer.AsSpan(at, HeaderBytes));

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

    /// <summary>A record's header in the ring: 16 bytes, the direction in the low bit of the preview length.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly struct RecordHeader
    {
        public readonly long TimestampTicks;
        public readonly int Length;
        private readonly int _previewAndDirection;

        public RecordHeader(long timestampTicks, int length, int previewLength, FrameDirection direction)
        {
            TimestampTicks = timestampTicks;
            Length = length;
            _previewAndDirection = (previewLength << 1) | (direction == FrameDirection.Out ? 1 : 0);
        }

        public int PreviewLength => _previewAndDirection >>> 1;

        public FrameDirection Direction => (_previewAndDirection & 1) == 1 ? FrameDirection.Out : FrameDirection.In;
    }
}
