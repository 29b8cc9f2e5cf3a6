using System.Buffers;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The last <see cref="Capacity"/> reads of a watched session as they came off the socket (each cut to
/// <see cref="BytesPerRead"/> bytes), so the dashboard can show how reads split and merge frames. It exists
/// only while the session is watched: an unwatched session pays one null check per read. Its slots are
/// allocated once, with the ring, so recording allocates nothing. The read loop writes; the API reads,
/// under a lock only this session's read loop contends for.
/// </summary>
internal sealed class RawReadRing
{
    /// <summary>Reads kept: 64, enough to see a burst split and merged, small enough to keep per watched session.</summary>
    public const int Capacity = 64;

    /// <summary>Bytes kept of each read: 512 (64 × 512 = 32 KiB per watched session at most).</summary>
    public const int BytesPerRead = 512;

    private readonly Lock _gate = new();
    private readonly byte[] _bytes = new byte[Capacity * BytesPerRead];
    private readonly int[] _lengths = new int[Capacity];
    private readonly long[] _ticks = new long[Capacity];
    private long _count;

    /// <summary>Reads recorded so far (also those overwritten since).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records one read of <paramref name="read"/> bytes that arrived at <paramref name="ticks"/> (UTC).</summary>
    public void Record(in ReadOnlySequence<byte> read, long ticks)
    {
        lock (_gate)
        {
            var slot = (int)(_count % Capacity);
            var kept = (int)Math.Min(read.Length, BytesPerRead);
            read.Slice(0, kept).CopyTo(_bytes.AsSpan(slot * BytesPerRead, kept));
            _lengths[slot] = (int)Math.Min(read.Length, int.MaxValue);
            _ticks[slot] = ticks;
            _count++;
        }
    }

    /// <summary>The reads kept, oldest first.</summary>
    public RawRead[] Snapshot()
    {
        lock (_gate)
        {
            var live = (int)Math.Min(_count, Capacity);
            var reads = new RawRead[live];
            for (var i = 0; i < live; i++)
            {
                var sequence = _count - live + i;
                var slot = (int)(sequence % Capacity);
                var kept = Math.Min(_lengths[slot], BytesPerRead);
                reads[i] = new RawRead(
                    sequence + 1,
                    new DateTimeOffset(_ticks[slot], TimeSpan.Zero),
                    _lengths[slot],
                    _bytes.AsSpan(slot * BytesPerRead, kept).ToArray());
            }

            return reads;
        }
    }
}
