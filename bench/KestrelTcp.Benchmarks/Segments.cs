using System.Buffers;

namespace KestrelTcp.Benchmarks;

/// <summary>Builds multi-segment sequences over copies of the data.</summary>
internal static class Segments
{
    public const int SegmentBytes = 256;

    public static ReadOnlySequence<byte> Create(byte[] data, Layout layout, int segmentBytes = SegmentBytes)
    {
        if (layout == Layout.Contiguous || data.Length <= segmentBytes)
        {
            return new ReadOnlySequence<byte>(data);
        }

        var first = new Segment(data.AsSpan(0, segmentBytes).ToArray(), 0);
        var last = first;
        for (var offset = segmentBytes; offset < data.Length; offset += segmentBytes)
        {
            last = last.Append(data.AsSpan(offset, Math.Min(segmentBytes, data.Length - offset)).ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
