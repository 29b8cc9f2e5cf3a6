using System.Buffers;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// Builds genuinely multi-segment sequences. Every segment is copied into its own array with
/// <see cref="Filler"/> bytes on both sides, so a parser that reads past a segment's bounds (or
/// assumes the segments are one contiguous array) sees line feeds that are not in the data.
/// </summary>
internal static class Sequences
{
    /// <summary>The byte around every segment: a line feed, the most misleading byte for a parser.</summary>
    public const byte Filler = (byte)'\n';

    public static ReadOnlySequence<byte> FromSegments(params byte[][] segments) =>
        FromSegments(segments.Select(s => (ReadOnlyMemory<byte>)s));

    public static ReadOnlySequence<byte> FromSegments(IEnumerable<ReadOnlyMemory<byte>> segments)
    {
        BufferSegment? first = null;
        BufferSegment? last = null;
        foreach (var segment in segments)
        {
            var padded = Pad(segment.Span);
            last = last is null ? (first = new BufferSegment(padded)) : last.Append(padded);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>Cuts <paramref name="data"/> into segments of the given sizes; the rest is one last segment.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] sizes)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        var offset = 0;
        foreach (var size in sizes)
        {
            segments.Add(data.AsMemory(offset, size));
            offset += size;
        }

        segments.Add(data.AsMemory(offset));
        return FromSegments(segments);
    }

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) =>
        FromSegments(Enumerable.Range(0, data.Length).Select(i => (ReadOnlyMemory<byte>)data.AsMemory(i, 1)));

    /// <summary>Random segment sizes from a fixed seed, with some empty segments in between.</summary>
    public static ReadOnlySequence<byte> RandomSegments(byte[] data, int seed)
    {
        var random = new Random(seed);
        var segments = new List<ReadOnlyMemory<byte>>();
        var offset = 0;
        while (offset < data.Length)
        {
            var size = random.Next(5) == 0 ? 0 : Math.Min(Chunks.NextSize(random), data.Length - offset);
            segments.Add(data.AsMemory(offset, size));
            offset += size;
        }

        return FromSegments(segments);
    }

    public static int SegmentCount(in ReadOnlySequence<byte> sequence)
    {
        var count = 0;
        foreach (var unused in sequence)
        {
            count++;
        }

        return count;
    }

    /// <summary>A segment of its own that holds <paramref name="bytes"/> between filler bytes.</summary>
    private static ReadOnlyMemory<byte> Pad(ReadOnlySpan<byte> bytes)
    {
        var array = new byte[bytes.Length + 2];
        array.AsSpan().Fill(Filler);
        bytes.CopyTo(array.AsSpan(1));
        return array.AsMemory(1, bytes.Length);
    }
}
