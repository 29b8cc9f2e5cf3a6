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

    public SessionHistory(int capacity, int previewBytes)
    {
        _capacity = capacity;
        _previewBytes = previewBytes;
    }

    public long Count => Interlocked.Read(ref _count);

    public void Record(FrameDirection direction, in ReadOnlySequence<byte> frame, long timestampTicks)
    {
        if (_capacity == 0)
        {
            return;
        }

        var previewLength = (int)Math.Min(frame.Length, _previewBytes);
        lock (_gate)
        {
            _slots ??= new Slot[_capacity];
            ref var slot = ref _slots[_count % _capacity];
            if (slot.Preview is null || slot.Preview.Length < previewLength)
            {
                // Round up so that a slot is not reallocated for every slightly larger frame.
                slot.Preview = new byte[Math.Min(_previewBytes, Math.Max(64, (int)BitOperations.RoundUpToPowerOf2((uint)previewLength)))];
            }

            frame.Slice(0, previewLength).CopyTo(slot.Preview);
            slot.PreviewLength = previewLength;
            slot.Length = (int)Math.Min(frame.Length, int.MaxValue);
            slot.Direction = direction;
            slot.TimestampTicks = timestampTicks;
            _count++;
        }
    }

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

    private struct Slot
    {
        public byte[] Preview;
        public int PreviewLength;
        public int Length;
        public FrameDirection Direction;
        public long TimestampTicks;
    }
}
