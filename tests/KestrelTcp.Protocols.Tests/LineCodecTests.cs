using System.Buffers;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

public sealed class LineCodecTests
{
    [Theory, AllFeeds]
    public async Task LineDecodesCoalescedLinesInOrder(Feed feed)
    {
        var stream = Bytes.Ascii("alpha\nbeta\r\n\ngamma\r\n\r\ndelta\n");

        var decoded = await feed.DecodeAsync(new LineCodec(), stream);

        decoded.Success();
        Assert.Equal(["alpha", "beta", "", "gamma", "", "delta"], decoded.Texts);
    }

    [Theory, AllFeeds]
    public async Task LineStripsOnlyOneTrailingCarriageReturnAndKeepsInnerOnes(Feed feed)
    {
        var stream = Bytes.Ascii("a\r\r\n\rb\rc\r\n\r\n");

        var decoded = await feed.DecodeAsync(new LineCodec(), stream);

        decoded.Success();
        Assert.Equal(["a\r", "\rb\rc", ""], decoded.Texts);
    }

    [Fact]
    public void LineStripsACarriageReturnThatEndsThePreviousSegment()
    {
        var sequence = Sequences.FromSegments(Bytes.Ascii("ab\r"), Bytes.Ascii("\ncd\r"), Bytes.Ascii("\n"));

        var decoded = FrameDecoder.DecodeBuffer(new LineCodec(), sequence);

        decoded.Success();
        Assert.Equal(["ab", "cd"], decoded.Texts);
    }

    [Fact]
    public void LineHandlesTheLineFeedAtEveryPositionOfATwoSegmentBuffer()
    {
        var stream = Bytes.Ascii("one\r\ntwo\nthree\r\n");
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            var decoded = FrameDecoder.DecodeBuffer(new LineCodec(), Sequences.Split(stream, cut));

            decoded.Success();
            Assert.Equal(["one", "two", "three"], decoded.Texts);
        }
    }

    [Theory, AllFeeds]
    public async Task LineAcceptsLinesOfExactlyMaxBytesWithLfOrCrLf(Feed feed)
    {
        var line = Bytes.Pattern(16);
        var stream = Bytes.Concat(line, Bytes.Ascii("\n"), line, Bytes.Ascii("\r\n"));

        var decoded = await feed.DecodeAsync(new LineCodec(16), stream);

        Assert.Equal([line, line], decoded.Success());
    }

    [Theory, AllFeeds]
    public async Task LineRejectsATerminatedLineOverMaxAfterTheLinesBeforeIt(Feed feed)
    {
        var stream = Bytes.Concat(Bytes.Ascii("ok\n"), Bytes.Pattern(17), Bytes.Ascii("\n"));

        var decoded = await feed.DecodeAsync(new LineCodec(16), stream);

        decoded.Failure(FramingError.FrameTooLarge);
        Assert.Equal(["ok"], decoded.Texts);
    }

    [Theory, AllFeeds]
    public async Task LineRejectsALineWhoseLineFeedIsFarBeyondMax(Feed feed)
    {
        var stream = Bytes.Concat(Bytes.Pattern(100), Bytes.Ascii("\nnext\n"));

        var decoded = await feed.DecodeAsync(new LineCodec(16), stream);

        decoded.Failure(FramingError.FrameTooLarge);
        Assert.Empty(decoded.Frames);
    }

    [Theory, AllFeeds]
    public async Task LineRejectsUnterminatedDataLongerThanMaxWithoutWaitingForTheLineFeed(Feed feed)
    {
        // 16 bytes of line plus CR and LF is the longest acceptable line; 18 bytes without LF can't be one.
        var stream = Bytes.Pattern(18);

        var decoded = await feed.DecodeAsync(new LineCodec(16), stream, endOfStream: false);

        var error = decoded.Failure(FramingError.FrameTooLarge);
        Assert.Contains("16", error.Message, StringComparison.Ordinal);
    }

    [Theory, AllFeeds]
    public async Task LineWaitsForTheLineFeedWhileAMaxLineCanStillEndWithCrLf(Feed feed)
    {
        var line = Bytes.Pattern(16);

        var waiting = await feed.DecodeAsync(new LineCodec(16), Bytes.Concat(line, Bytes.Ascii("\r")), endOfStream: false);
        var complete = await feed.DecodeAsync(new LineCodec(16), Bytes.Concat(line, Bytes.Ascii("\r\n")));

        Assert.Empty(waiting.Success());
        Assert.Equal([line], complete.Success());
    }

    [Theory, AllFeeds]
    public async Task LineReportsAnUnterminatedLastLineAsTruncated(Feed feed)
    {
        var decoded = await feed.DecodeAsync(new LineCodec(), Bytes.Ascii("first\nsecond\nthi"));

        decoded.Failure(FramingError.TruncatedFrame);
        Assert.Equal(["first", "second"], decoded.Texts);
    }

    [Fact]
    public void LineDefaultsToEightKiB()
    {
        var codec = new LineCodec();
        var longest = Bytes.Concat(Bytes.Repeat((byte)'x', 8192), Bytes.Ascii("\n"));
        var tooLong = Bytes.Concat(Bytes.Repeat((byte)'x', 8193), Bytes.Ascii("\n"));

        Assert.Equal(8192, codec.MaxFrameBytes);
        Assert.Single(FrameDecoder.DecodeBuffer(codec, new ReadOnlySequence<byte>(longest)).Success());
        FrameDecoder.DecodeBuffer(codec, new ReadOnlySequence<byte>(tooLong)).Failure(FramingError.FrameTooLarge);
    }

    [Fact]
    public void LineSlicesFramesOutOfTheInputWithoutCopying()
    {
        var input = new ReadOnlySequence<byte>(Bytes.Ascii("abc\r\nrest"));
        SequencePosition consumed = default, examined = default;

        Assert.True(new LineCodec().TryParseMessage(input, ref consumed, ref examined, out var message));

        Assert.True(message.IsSingleSegment);
        Assert.Equal(input.Start, message.Start);
        Assert.Equal(3, message.Length);
        Assert.Equal(5, input.Slice(input.Start, consumed).Length);
    }

    [Fact]
    public void LineEncoderAppendsALineFeed()
    {
        Assert.Equal(Bytes.Ascii("hello\n\n"), Bytes.Encode(new LineCodec(), "hello", ""));
    }

    [Fact]
    public void LineRoundTripDropsATrailingCarriageReturnAsAnyCrLfPeerWould()
    {
        // Not a corruption: the wire reads "abc" CR LF, which every line reader takes as "abc".
        // Encoding accepts such a payload so that an operator can send CRLF lines to a device.
        var codec = new LineCodec();
        var encoded = Bytes.Encode(codec, "abc\r");

        Assert.Equal(Bytes.Ascii("abc\r\n"), encoded);
        Assert.Equal(["abc"], FrameDecoder.DecodeBuffer(codec, new(encoded)).Texts);
    }
}
