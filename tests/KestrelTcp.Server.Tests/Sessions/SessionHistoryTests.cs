using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class SessionHistoryTests
{
    private const int Header = SessionHistory.HeaderBytes;

    [Fact]
    public void KeepsTheMostRecentFramesOldestFirstOnceTheRingWraps()
    {
        var history = new SessionHistory(capacity: 3, previewBytes: 4, maxBytes: 4096);
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
        Assert.Equal([3L, 4L, 5L], frames.Select(f => f.Timestamp.UtcTicks));
        Assert.Equal([5L], history.Snapshot(afterSequence: 4).Select(f => f.Sequence));
        Assert.Equal([4L, 5L], history.Snapshot(limit: 2).Select(f => f.Sequence));
    }

    [Fact]
    public void EvictsTheOldestFramesToStayInsideItsBytes()
    {
        // Room for four records of 16 + 100 bytes in 512 bytes; the frame count would allow 200.
        var history = new SessionHistory(capacity: 200, previewBytes: 1024, maxBytes: 512);
        for (var i = 1; i <= 50; i++)
        {
            history.Record(FrameDirection.In, Payload(i, 100), i);
        }

        var frames = history.Snapshot();

        Assert.Equal(512, history.BufferBytes);
        Assert.InRange(frames.Length, 3, 4);
        Assert.Equal(50L, frames[^1].Sequence);
        Assert.True(frames.Sum(f => Header + f.Preview.Length) <= 512);
        AssertHoldsPayloads(frames, 100);
    }

    [Fact]
    public void CutsAFrameLongerThanThePreviewToThePreview()
    {
        var history = new SessionHistory(capacity: 10, previewBytes: 64, maxBytes: 4096);

        history.Record(FrameDirection.In, Payload(7, 4096), 1);

        var frame = Assert.Single(history.Snapshot());
        Assert.Equal(4096, frame.Length);
        Assert.Equal(64, frame.Preview.Length);
        Assert.True(frame.Truncated);
        Assert.Equal(Payload(7, 4096)[..64], frame.Preview);
    }

    [Fact]
    public void CutsAPreviewLargerThanTheWholeRingToTheRing()
    {
        var history = new SessionHistory(capacity: 10, previewBytes: 4096, maxBytes: 1024);
        history.Record(FrameDirection.In, Payload(1, 10), 1);

        history.Record(FrameDirection.Out, Payload(2, 4096), 2);

        var frame = Assert.Single(history.Snapshot());
        Assert.Equal(2L, frame.Sequence);
        Assert.Equal(1024 - Header, frame.Preview.Length);
        Assert.Equal(4096, frame.Length);
        Assert.Equal(FrameDirection.Out, frame.Direction);
    }

    [Fact]
    public void RecordsAFrameThatSpansSeveralSegments()
    {
        var history = new SessionHistory(capacity: 2, previewBytes: 16, maxBytes: 1024);
        var first = new Segment("ab"u8.ToArray());
        var last = first.Append("cdef"u8.ToArray());

        history.Record(FrameDirection.In, new ReadOnlySequence<byte>(first, 0, last, 4), 42);

        var frame = Assert.Single(history.Snapshot());
        Assert.Equal("abcdef", Encoding.ASCII.GetString(frame.Preview));
        Assert.False(frame.Truncated);
        Assert.Equal(42, frame.Timestamp.UtcTicks);
    }

    [Fact]
    public void CutsAMultiSegmentFrameToThePreviewAcrossTheSegmentBoundary()
    {
        var history = new SessionHistory(capacity: 2, previewBytes: 5, maxBytes: 1024);
        var first = new Segment("abc"u8.ToArray());
        var last = first.Append("defgh"u8.ToArray());

        history.Record(FrameDirection.In, new ReadOnlySequence<byte>(first, 0, last, 5), 1);

        var frame = Assert.Single(history.Snapshot());
        Assert.Equal("abcde", Encoding.ASCII.GetString(frame.Preview));
        Assert.Equal(8, frame.Length);
    }

    [Fact]
    public void SnapshotsHonourAfterSequenceAndLimitAcrossTheWrap()
    {
        // Random sizes (fixed seed) so records wrap at every possible offset of a 700-byte ring.
        var random = new Random(11);
        var history = new SessionHistory(capacity: 20, previewBytes: 120, maxBytes: 700);
        for (var i = 1; i <= 2000; i++)
        {
            var size = random.Next(0, 200);
            history.Record(i % 3 == 0 ? FrameDirection.Out : FrameDirection.In, Payload(i, size), i);
            var all = history.Snapshot();

            Assert.Equal(i, all[^1].Sequence);
            Assert.Equal(Enumerable.Range(0, all.Length).Select(k => all[0].Sequence + k), all.Select(f => f.Sequence));
            Assert.InRange(all.Length, 1, 20);
            Assert.True(all.Sum(f => Header + f.Preview.Length) <= 700);
            Assert.Equal(size, all[^1].Length);
            AssertHoldsPayloads(all, null);

            var after = random.Next(0, i + 1);
            var limit = random.Next(1, 25);
            var expected = all.Where(f => f.Sequence > after).TakeLast(limit).Select(f => f.Sequence);
            Assert.Equal(expected, history.Snapshot(limit, after).Select(f => f.Sequence));
        }
    }

    [Fact]
    public void AllocatesNothingUntilTheFirstFrameThenGrowsInStepsUpToItsMaximum()
    {
        var budget = new HistoryBudget(1 << 20);
        var history = new SessionHistory(capacity: 200, previewBytes: 4096, maxBytes: 16 * 1024, budget);
        Assert.Equal(0, history.BufferBytes);
        Assert.Empty(history.Snapshot());
        Assert.Equal(0, budget.ReservedBytes);

        history.Record(FrameDirection.In, Payload(1, 40), 1);
        Assert.Equal(SessionHistory.MinBufferBytes, history.BufferBytes);

        var sizes = new List<int>();
        for (var i = 2; i <= 400; i++)
        {
            history.Record(FrameDirection.In, Payload(i, 40), i);
            if (sizes.Count == 0 || sizes[^1] != history.BufferBytes)
            {
                sizes.Add(history.BufferBytes);
            }
        }

        Assert.Equal([1024, 2048, 4096, 8192, 16 * 1024], sizes);
        Assert.Equal(16 * 1024, budget.ReservedBytes);
        AssertHoldsPayloads(history.Snapshot(), 40);
    }

    [Fact]
    public void RecordsWithoutAllocatingOnceAtSize()
    {
        var history = new SessionHistory(capacity: 200, previewBytes: 4096, maxBytes: 16 * 1024);
        var small = Payload(1, 60);
        var large = Payload(2, 5000);
        var first = new Segment(large[..3000]);
        var split = new ReadOnlySequence<byte>(first, 0, first.Append(large[3000..]), 2000);
        for (var i = 0; i < 1000; i++)
        {
            history.Record(FrameDirection.In, small, i);
            history.Record(FrameDirection.Out, large, i);
            history.Record(FrameDirection.In, split, i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            history.Record(FrameDirection.In, small, i);
            history.Record(FrameDirection.Out, large, i);
            history.Record(FrameDirection.In, split, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void StopsGrowingWhenTheBudgetIsSpentAndKeepsRecordingInsideWhatItHas()
    {
        var budget = new HistoryBudget(3 * 1024);
        var first = new SessionHistory(capacity: 200, previewBytes: 4096, maxBytes: 16 * 1024, budget);
        var second = new SessionHistory(capacity: 200, previewBytes: 4096, maxBytes: 16 * 1024, budget);
        var third = new SessionHistory(capacity: 200, previewBytes: 4096, maxBytes: 16 * 1024, budget);

        first.Record(FrameDirection.In, Payload(1, 2000), 1);
        second.Record(FrameDirection.In, Payload(1, 100), 1);
        third.Record(FrameDirection.In, Payload(1, 100), 1);
        for (var i = 2; i <= 100; i++)
        {
            first.Record(FrameDirection.In, Payload(i, 2000), i);
            second.Record(FrameDirection.In, Payload(i, 100), i);
        }

        Assert.Equal(2048, first.BufferBytes);
        Assert.Equal(1024, second.BufferBytes);
        Assert.Equal(0, third.BufferBytes);
        Assert.True(budget.PeakBytes <= budget.MaxBytes);
        Assert.Equal(3, budget.HistoriesRefused);
        Assert.Equal(100L, Assert.Single(first.Snapshot()).Sequence);
        Assert.Equal(100L, second.Snapshot()[^1].Sequence);
        Assert.Empty(third.Snapshot());

        // A closed session gives its bytes back; a refused one grows again on its next frame.
        first.Release();
        Assert.Equal(1024, budget.ReservedBytes);
        Assert.Empty(first.Snapshot());
        first.Record(FrameDirection.In, Payload(101, 10), 101);
        Assert.Empty(first.Snapshot());
        third.Record(FrameDirection.In, Payload(2, 100), 2);
        Assert.Equal(2L, Assert.Single(third.Snapshot()).Sequence);
        Assert.Equal(2048, budget.ReservedBytes);
    }

    [Fact]
    public void RecordsNothingWhenHistoryIsOff()
    {
        var noFrames = new SessionHistory(capacity: 0, previewBytes: 16, maxBytes: 1024);
        var noBytes = new SessionHistory(capacity: 200, previewBytes: 16, maxBytes: 0);

        noFrames.Record(FrameDirection.In, "x"u8, 1);
        noBytes.Record(FrameDirection.In, "x"u8, 1);

        Assert.Empty(noFrames.Snapshot());
        Assert.Empty(noBytes.Snapshot());
        Assert.Equal(0, noBytes.Capacity);
        Assert.Equal(0, noBytes.BufferBytes);
    }

    [Fact]
    public async Task ReadersSeeWholeFramesWhileTheSessionRecords()
    {
        var history = new SessionHistory(capacity: 50, previewBytes: 300, maxBytes: 2048);
        const int Frames = 100_000;
        var writer = Task.Run(() =>
        {
            var random = new Random(5);
            for (var i = 1; i <= Frames; i++)
            {
                using var batch = history.BeginBatch();
                batch.Record(FrameDirection.In, Payload(i, random.Next(4, 300)), i);
            }
        });

        var snapshots = 0;
        long last = 0;
        while (!writer.IsCompleted || snapshots == 0)
        {
            var frames = history.Snapshot(limit: 20, afterSequence: last / 2);
            AssertHoldsPayloads(frames, null);
            if (frames.Length > 0)
            {
                Assert.Equal(Enumerable.Range(0, frames.Length).Select(k => frames[0].Sequence + k), frames.Select(f => f.Sequence));
                Assert.True(frames[^1].Sequence >= last);
                last = frames[^1].Sequence;
            }

            snapshots++;
        }

        await writer.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Frames, history.Snapshot()[^1].Sequence);
    }

    /// <summary>A payload that says which frame it is: its sequence in the first 4 bytes (when it has them), then a pattern.</summary>
    private static byte[] Payload(int sequence, int size)
    {
        var payload = new byte[size];
        for (var i = 0; i < size; i++)
        {
            payload[i] = (byte)(sequence + i);
        }

        if (size >= 4)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload, sequence);
        }

        return payload;
    }

    private static void AssertHoldsPayloads(FrameRecord[] frames, int? length)
    {
        foreach (var frame in frames)
        {
            if (length is { } expected)
            {
                Assert.Equal(expected, frame.Length);
            }

            Assert.Equal(Payload((int)frame.Sequence, frame.Length)[..frame.Preview.Length], frame.Preview);
        }
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
