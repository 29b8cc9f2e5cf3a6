using System.Buffers;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class RawReadRingTests
{
    [Fact]
    public void KeepsTheNewestReadsEachCutToItsByteLimit()
    {
        var ring = new RawReadRing();
        for (var i = 1; i <= RawReadRing.Capacity + 36; i++)
        {
            var read = new byte[RawReadRing.BytesPerRead + i];
            read.AsSpan().Fill((byte)i);
            ring.Record(new ReadOnlySequence<byte>(read), i);
        }

        var reads = ring.Snapshot();

        Assert.Equal(RawReadRing.Capacity, reads.Length);
        Assert.Equal(RawReadRing.Capacity + 36, ring.Count);
        Assert.Equal(37, reads[0].Sequence);
        Assert.Equal(RawReadRing.Capacity + 36, reads[^1].Sequence);
        Assert.All(reads, r => Assert.Equal(RawReadRing.BytesPerRead, r.Kept.Length));
        Assert.All(reads, r => Assert.True(r.Truncated));
        Assert.All(reads, r => Assert.Equal(RawReadRing.BytesPerRead + r.Sequence, r.Length));
        Assert.All(reads, r => Assert.All(r.Kept, b => Assert.Equal((byte)r.Sequence, b)));
    }

    [Fact]
    public void KeepsShortReadsWhole()
    {
        var ring = new RawReadRing();
        ring.Record(new ReadOnlySequence<byte>("hel"u8.ToArray()), 10);
        ring.Record(new ReadOnlySequence<byte>("lo\n"u8.ToArray()), 20);

        var reads = ring.Snapshot();

        Assert.Equal(["hel", "lo\n"], reads.Select(r => System.Text.Encoding.UTF8.GetString(r.Kept)));
        Assert.All(reads, r => Assert.False(r.Truncated));
        Assert.Equal(20, reads[1].Timestamp.UtcTicks);
    }
}
