using System.Buffers;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

public sealed class DelimiterCodecTests
{
    [Theory, AllFeeds]
    public async Task DelimiterDecodesCoalescedFramesWithASingleByteDelimiter(Feed feed)
    {
        var codec = new DelimiterCodec(Bytes.Hex("7E"));

        var decoded = await feed.DecodeAsync(codec, Bytes.Hex("01 02 7E 7E 03 0A 0D 7E"));

        Assert.Equal([Bytes.Hex("01 02"), [], Bytes.Hex("03 0A 0D")], decoded.Success());
    }

    [Theory, AllFeeds]
    public async Task DelimiterDecodesCoalescedFramesWithAMultiByteDelimiter(Feed feed)
    {
        var codec = new DelimiterCodec(Bytes.Hex("0D0A"));

        var decoded = await feed.DecodeAsync(codec, Bytes.Ascii("first\r\n\r\na\rb\nc\r\r\nlast\r\n"));

        decoded.Success();
        Assert.Equal(["first", "", "a\rb\nc\r", "last"], decoded.Texts);
    }

    [Fact]
    public void DelimiterFindsAMultiByteDelimiterSplitAcrossSegmentsAtEveryPosition()
    {
        var codec = new DelimiterCodec(Bytes.Hex("AA BB CC"));
        var stream = Bytes.Hex("01 AA BB CC 02 03 AA BB AA BB CC");
        for (var first = 0; first <= stream.Length; first++)
        {
            for (var second = 0; first + second <= stream.Length; second++)
            {
                var decoded = FrameDecoder.DecodeBuffer(codec, Sequences.Split(stream, first, second));

                Assert.Equal([Bytes.Hex("01"), Bytes.Hex("02 03 AA BB")], decoded.Success());
            }
        }
    }

    [Fact]
    public void DelimiterFindsTheFirstOccurrenceOfASelfOverlappingDelimiter()
    {
        var codec = new DelimiterCodec(Bytes.Hex("7E7E"));

        var decoded = FrameDecoder.DecodeBuffer(codec, Sequences.OneBytePerSegment(Bytes.Hex("41 7E 7E 7E 42 7E 7E")));

        Assert.Equal([Bytes.Hex("41"), Bytes.Hex("7E 42")], decoded.Success());
    }

    [Theory, AllFeeds]
    public async Task DelimiterAcceptsAFrameOfExactlyMaxBytes(Feed feed)
    {
        var codec = new DelimiterCodec(Bytes.Hex("0D0A"), maxFrameBytes: 8);
        var frame = Bytes.Pattern(8);

        var decoded = await feed.DecodeAsync(codec, Bytes.Concat(frame, Bytes.Hex("0D0A"), frame, Bytes.Hex("0D0A")));

        Assert.Equal([frame, frame], decoded.Success());
    }

    [Theory, AllFeeds]
    public async Task DelimiterRejectsATerminatedFrameOverMax(Feed feed)
    {
        var codec = new DelimiterCodec(Bytes.Hex("0D0A"), maxFrameBytes: 8);

        var decoded = await feed.DecodeAsync(codec, Bytes.Concat(Bytes.Ascii("ok\r\n"), Bytes.Pattern(9), Bytes.Hex("0D0A")));

        decoded.Failure(FramingError.FrameTooLarge);
        Assert.Equal(["ok"], decoded.Texts);
    }

    [Theory, AllFeeds]
    public async Task DelimiterRejectsAFrameWhoseDelimiterIsFarBeyondMax(Feed feed)
    {
        var codec = new DelimiterCodec(Bytes.Hex("AA BB CC"), maxFrameBytes: 8);

        var decoded = await feed.DecodeAsync(codec, Bytes.Concat(Bytes.Pattern(100), Bytes.Hex("AA BB CC 01 AA BB CC")));

        decoded.Failure(FramingError.FrameTooLarge);
        Assert.Empty(decoded.Frames);
    }

    [Theory, AllFeeds]
    public async Task DelimiterRejectsUnterminatedDataLongerThanMaxBeforeTheDelimiterArrives(Feed feed)
    {
        // Max 8 + a 3-byte delimiter: once 11 bytes hold no delimiter, no frame can fit.
        var codec = new DelimiterCodec(Bytes.Hex("AA BB CC"), maxFrameBytes: 8);

        var decoded = await feed.DecodeAsync(codec, Bytes.Concat(Bytes.Pattern(9), Bytes.Hex("AA BB")), endOfStream: false);

        decoded.Failure(FramingError.FrameTooLarge);
    }

    [Theory, AllFeeds]
    public async Task DelimiterWaitsWhileAMaxFrameCanStillBeTerminated(Feed feed)
    {
        var codec = new DelimiterCodec(Bytes.Hex("AA BB CC"), maxFrameBytes: 8);
        var frame = Bytes.Pattern(8);

        var waiting = await feed.DecodeAsync(codec, Bytes.Concat(frame, Bytes.Hex("AA BB")), endOfStream: false);
        var complete = await feed.DecodeAsync(codec, Bytes.Concat(frame, Bytes.Hex("AA BB CC")));

        Assert.Empty(waiting.Success());
        Assert.Equal([frame], complete.Success());
    }

    [Theory, AllFeeds]
    public async Task DelimiterReportsAnUnterminatedLastFrameAsTruncated(Feed feed)
    {
        var codec = new DelimiterCodec(Bytes.Hex("0D0A"));

        var decoded = await feed.DecodeAsync(codec, Bytes.Ascii("one\r\ntwo\r"));

        decoded.Failure(FramingError.TruncatedFrame);
        Assert.Equal(["one"], decoded.Texts);
    }

    [Fact]
    public void DelimiterRequiresAtLeastOneByte()
    {
        Assert.Throws<ArgumentException>(() => new DelimiterCodec([]));
    }

    [Fact]
    public void DelimiterKeepsItsOwnCopyOfTheDelimiter()
    {
        var bytes = Bytes.Hex("0D0A");
        var codec = new DelimiterCodec(bytes);
        bytes[0] = 0x7E;

        Assert.Equal(Bytes.Hex("0D0A"), codec.Delimiter.ToArray());
        Assert.Equal(["x"], FrameDecoder.DecodeBuffer(codec, new ReadOnlySequence<byte>(Bytes.Ascii("x\r\n"))).Texts);
    }

    [Fact]
    public void DelimiterEncoderAppendsTheDelimiter()
    {
        var codec = new DelimiterCodec(Bytes.Hex("0D0A"));

        Assert.Equal(Bytes.Ascii("hi\r\n\r\n"), Bytes.Encode(codec, "hi", ""));
        Assert.Equal(2, codec.FramingOverhead);
    }
}
