using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

public sealed class FixedCodecTests
{
    [Theory, AllFeeds]
    public async Task FixedDecodesCoalescedFramesOfTheConfiguredSize(Feed feed)
    {
        var decoded = await feed.DecodeAsync(new FixedCodec(5), Bytes.Ascii("abcde\n\r\n\r\nvwxyz"));

        decoded.Success();
        Assert.Equal(["abcde", "\n\r\n\r\n", "vwxyz"], decoded.Texts);
    }

    [Theory, AllFeeds]
    public async Task FixedDecodesOneByteFrames(Feed feed)
    {
        var decoded = await feed.DecodeAsync(new FixedCodec(1), Bytes.Ascii("abc"));

        decoded.Success();
        Assert.Equal(["a", "b", "c"], decoded.Texts);
    }

    [Theory, AllFeeds]
    public async Task FixedReportsAPartialLastFrameAsTruncated(Feed feed)
    {
        var decoded = await feed.DecodeAsync(new FixedCodec(4), Bytes.Ascii("abcdefg"));

        var error = decoded.Failure(FramingError.TruncatedFrame);
        Assert.Contains("3 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(["abcd"], decoded.Texts);
    }

    [Fact]
    public void FixedMaximumIsTheFrameSize()
    {
        var codec = new FixedCodec(12);

        Assert.Equal(FramingKind.Fixed, codec.Kind);
        Assert.Equal(12, codec.FrameBytes);
        Assert.Equal(12, codec.MaxFrameBytes);
        Assert.Equal(0, codec.FramingOverhead);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void FixedNeedsAPositiveSize(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedCodec(size));
    }

    [Fact]
    public void FixedEncoderWritesThePayloadAsIs()
    {
        Assert.Equal(Bytes.Ascii("abcdwxyz"), Bytes.Encode(new FixedCodec(4), "abcd", "wxyz"));
    }
}
