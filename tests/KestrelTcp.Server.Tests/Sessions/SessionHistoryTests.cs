using System.Buffers;
using System.Text;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class SessionHistoryTests
{
    [Fact]
    public void KeepsTheMostRecentFramesOldestFirstOnceTheRingWraps()
    {
        var history = new SessionHistory(capacity: 3, previewBytes: 4);
        for (var i = 1; i <= 5; i++)
        {
            history.Record(i % 2 == 0 ? FrameDirection.Out : FrameDirection.In, Encoding.ASCII.GetBytes($"frame{i}"), i);
        }

        var frames = history.Snapshot();

        Assert.Equal([3L, 4L, 5L], frames.Select(f => f.Sequence));
        Assert.Equal(["fram", "fram", "fram"], frames.Select(f => Encoding.ASCII.GetString(f.Preview)));
        Assert.All(frames, f => Assert.Equal(6, f.Length));
        Assert.All(frames, f => Assert.True(f.Truncated));
        Assert.Equal([FrameDirection.In, FrameDirection.Out, FrameDirection.In], frames.Select(f => f.Direction));
        Assert.Equal([5L], history.Snapshot(afterSequence: 4).Select(f => f.Sequence));
        Assert.Equal([4L, 5L], history.Snapshot(limit: 2).Select(f => f.Sequence));
    }

    [Fact]
    public void RecordsAFrameThatSpansSeveralSegments()
    {
        var history = new SessionHistory(capacity: 2, previewBytes: 16);
        var first = new Segment("ab"u8.ToArray());
        var last = first.Append("cdef"u8.ToArray());

        history.Record(FrameDirection.In, new ReadOnlySequence<byte>(first, 0, last, 4), 42);

        var frame = Assert.Single(history.Snapshot());
        Assert.Equal("abcdef", Encoding.ASCII.GetString(frame.Preview));
        Assert.False(frame.Truncated);
        Assert.Equal(42, frame.Timestamp.UtcTicks);
    }

    [Fact]
    public void RecordsNothingWhenHistoryIsOff()
    {
        var history = new SessionHistory(capacity: 0, previewBytes: 16);

        history.Record(FrameDirection.In, "x"u8, 1);

        Assert.Empty(history.Snapshot());
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(byte[] data)
        {
            var next = new Segment(data) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
