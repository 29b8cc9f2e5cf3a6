using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

public sealed class RawCodecTests
{
    [Fact]
    public void RawReturnsEverythingAvailableAsOneFrame()
    {
        var stream = Bytes.Ascii("one\ntwo\r\nthree");

        var decoded = FrameDecoder.DecodeBuffer(new RawCodec(), Sequences.RandomSegments(stream, 9));

        Assert.Equal([stream], decoded.Success());
    }

    [Fact]
    public void RawSplitsWhatIsAvailableAtMaxFrameBytes()
    {
        var decoded = FrameDecoder.DecodeBuffer(new RawCodec(4), Sequences.OneBytePerSegment(Bytes.Ascii("abcdefghij")));

        decoded.Success();
        Assert.Equal(["abcd", "efgh", "ij"], decoded.Texts);
    }

    [Fact]
    public void RawDeliversEachReadAsItArrives()
    {
        var arrivals = new[] { Bytes.Ascii("ab"), Bytes.Ascii("cdefg"), Bytes.Ascii("h") };

        var decoded = FrameDecoder.DecodeArrivals(new RawCodec(4), arrivals);

        decoded.Success();
        Assert.Equal(["ab", "cdef", "g", "h"], decoded.Texts);
    }

    [Fact]
    public async Task RawThroughAPipeDeliversEachFlushSplitAtMax()
    {
        var arrivals = new[] { Bytes.Ascii("abcdefghij"), Bytes.Ascii("k"), Bytes.Ascii("lmno") };

        var decoded = await FrameDecoder.DecodeThroughPipeAsync(new RawCodec(4), arrivals, blockSize: 3);

        decoded.Success();
        Assert.Equal(["abcd", "efgh", "ij", "k", "lmno"], decoded.Texts);
    }

    [Theory, AllFeeds]
    public async Task RawLosesNoBytesAndNeverExceedsMaxWhateverTheSplits(Feed feed)
    {
        var stream = Bytes.Pattern(1000);

        var frames = (await feed.DecodeAsync(new RawCodec(64), stream)).Success();

        Assert.Equal(stream, frames.SelectMany(f => f).ToArray());
        Assert.All(frames, f => Assert.InRange(f.Length, 1, 64));
    }

    [Fact]
    public void RawDefaultsTo64KiBAndAddsNoFraming()
    {
        var codec = new RawCodec();

        Assert.Equal(FramingKind.Raw, codec.Kind);
        Assert.Equal(64 * 1024, codec.MaxFrameBytes);
        Assert.Equal(0, codec.FramingOverhead);
        Assert.Equal(Bytes.Ascii("a\nb"), Bytes.Encode(codec, "a\nb"));
    }
}
