using System.Buffers;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

/// <summary>Decoding; the encoder and its round trips are in <see cref="LengthPrefixedEncoderTests"/>.</summary>
public sealed class LengthPrefixedCodecTests
{
    private static readonly byte[] HelloWorld = Bytes.Ascii("HELLO, WORLD");

    [Theory, AllFeeds]
    public async Task LengthPrefixedDecodesCoalescedFramesIncludingEmptyOnes(Feed feed)
    {
        var stream = Bytes.Concat(Bytes.Hex("00000003"), Bytes.Ascii("abc"), Bytes.Hex("00000000"), Bytes.Hex("00000001"), Bytes.Ascii("\n"));

        var decoded = await feed.DecodeAsync(new LengthPrefixedCodec(), stream);

        decoded.Success();
        Assert.Equal(["abc", "", "\n"], decoded.Texts);
    }

    // Header layouts from Netty's LengthFieldBasedFrameDecoder documentation, with the header stripped.
    [Theory]
    [InlineData("0C", 1, ByteOrder.BigEndian, 0, 0, false)]
    [InlineData("000C", 2, ByteOrder.BigEndian, 0, 0, false)]
    [InlineData("0C00", 2, ByteOrder.LittleEndian, 0, 0, false)]
    [InlineData("0000000C", 4, ByteOrder.BigEndian, 0, 0, false)]
    [InlineData("0C000000", 4, ByteOrder.LittleEndian, 0, 0, false)]
    [InlineData("000000000000000C", 8, ByteOrder.BigEndian, 0, 0, false)]
    [InlineData("0C00000000000000", 8, ByteOrder.LittleEndian, 0, 0, false)]
    [InlineData("000E", 2, ByteOrder.BigEndian, 0, 0, true)]
    [InlineData("000E", 2, ByteOrder.BigEndian, 0, -2, false)]
    [InlineData("CAFE000C", 2, ByteOrder.BigEndian, 2, 0, false)]
    [InlineData("CAFE0010", 2, ByteOrder.BigEndian, 2, 0, true)]
    [InlineData("CAFE000A", 2, ByteOrder.BigEndian, 2, 2, false)]
    [InlineData("CA0A000000", 4, ByteOrder.LittleEndian, 1, 7, true)]
    public async Task LengthPrefixedReadsEveryHeaderLayout(string header, int headerBytes, ByteOrder order, int offset, int adjustment, bool includesHeader)
    {
        var codec = new LengthPrefixedCodec(headerBytes, order, offset, adjustment, includesHeader);
        var stream = Bytes.Concat(Bytes.Hex(header), HelloWorld, Bytes.Hex(header), HelloWorld);

        foreach (var feed in Feed.All)
        {
            var decoded = await feed.DecodeAsync(codec, stream);

            Assert.Equal([HelloWorld, HelloWorld], decoded.Success());
        }
    }

    [Theory, AllFeeds]
    public async Task LengthPrefixedRejectsLengthOverMaximumBeforeBuffering(Feed feed)
    {
        // A 2 GiB length prefix and nothing else: the error must come from the header alone.
        var decoded = await feed.DecodeAsync(new LengthPrefixedCodec(), Bytes.Hex("80000000"), endOfStream: false);

        decoded.Failure(FramingError.FrameTooLarge);
    }

    [Theory]
    [InlineData("FFFFFFFFFFFFFFFF", ByteOrder.BigEndian)]
    [InlineData("8000000000000000", ByteOrder.BigEndian)]
    [InlineData("0000000080000000", ByteOrder.BigEndian)]
    [InlineData("0000000100000000", ByteOrder.BigEndian)]
    [InlineData("0000000000010001", ByteOrder.BigEndian)]
    [InlineData("0000000000000080", ByteOrder.LittleEndian)]
    [InlineData("0100010000000000", ByteOrder.LittleEndian)]
    [InlineData("FFFFFFFFFFFFFF7F", ByteOrder.LittleEndian)]
    public async Task LengthPrefixedRejectsAHugeEightByteLengthFromTheHeaderAlone(string header, ByteOrder order)
    {
        var codec = new LengthPrefixedCodec(8, order);

        foreach (var feed in Feed.All)
        {
            var decoded = await feed.DecodeAsync(codec, Bytes.Hex(header), endOfStream: false);

            decoded.Failure(FramingError.FrameTooLarge);
        }
    }

    [Theory, AllFeeds]
    public async Task LengthPrefixedAcceptsExactlyMaxAndRejectsOneMoreFromTheHeader(Feed feed)
    {
        var codec = new LengthPrefixedCodec(2, maxFrameBytes: 100);
        var payload = Bytes.Pattern(100);

        var accepted = await feed.DecodeAsync(codec, Bytes.Concat(Bytes.Hex("0064"), payload));
        var rejected = await feed.DecodeAsync(codec, Bytes.Hex("0065"), endOfStream: false);

        Assert.Equal([payload], accepted.Success());
        rejected.Failure(FramingError.FrameTooLarge);
    }

    [Theory, AllFeeds]
    public async Task LengthPrefixedAppliesTheMaximumAfterTheAdjustment(Feed feed)
    {
        var codec = new LengthPrefixedCodec(2, lengthAdjustment: 10, maxFrameBytes: 100);

        var accepted = await feed.DecodeAsync(codec, Bytes.Concat(Bytes.Hex("005A"), Bytes.Pattern(100)));
        var rejected = await feed.DecodeAsync(codec, Bytes.Hex("005B"), endOfStream: false);

        Assert.Single(accepted.Success());
        rejected.Failure(FramingError.FrameTooLarge);
    }

    [Theory, AllFeeds]
    public async Task LengthPrefixedRejectsANegativeLengthAfterAdjustment(Feed feed)
    {
        var codec = new LengthPrefixedCodec(1, lengthAdjustment: -5);

        var empty = await feed.DecodeAsync(codec, Bytes.Hex("05"));
        var negative = await feed.DecodeAsync(codec, Bytes.Concat(Bytes.Hex("05 04"), Bytes.Pattern(10)));

        Assert.Equal([[]], empty.Success());
        var error = negative.Failure(FramingError.InvalidFrame);
        Assert.Contains("negative", error.Message, StringComparison.Ordinal);
        Assert.Equal([[]], negative.Frames);
    }

    [Theory]
    [InlineData(0, "00000003", "00000004")]
    [InlineData(2, "CAFE00000005", "CAFE00000006")]
    public async Task LengthPrefixedRejectsALengthSmallerThanTheHeaderWhenItIncludesTheHeader(int offset, string tooSmall, string headerOnly)
    {
        var codec = new LengthPrefixedCodec(4, lengthOffset: offset, lengthIncludesHeader: true);

        foreach (var feed in Feed.All)
        {
            var empty = await feed.DecodeAsync(codec, Bytes.Hex(headerOnly));
            var invalid = await feed.DecodeAsync(codec, Bytes.Concat(Bytes.Hex(tooSmall), Bytes.Pattern(8)));

            Assert.Equal([[]], empty.Success());
            invalid.Failure(FramingError.InvalidFrame);
        }
    }

    [Theory, AllFeeds]
    public async Task LengthPrefixedReportsAStreamEndingInsideTheHeaderAsTruncated(Feed feed)
    {
        var decoded = await feed.DecodeAsync(new LengthPrefixedCodec(), Bytes.Hex("00000001 41 0000"));

        decoded.Failure(FramingError.TruncatedFrame);
        Assert.Equal(["A"], decoded.Texts);
    }

    [Theory, AllFeeds]
    public async Task LengthPrefixedReportsAStreamEndingInsideThePayloadAsTruncated(Feed feed)
    {
        var decoded = await feed.DecodeAsync(new LengthPrefixedCodec(), Bytes.Hex("00000005 4142"));

        var error = decoded.Failure(FramingError.TruncatedFrame);
        Assert.Contains("6 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(decoded.Frames);
    }

    [Fact]
    public void LengthPrefixedReadsAHeaderSplitAcrossSegmentsAtEveryPosition()
    {
        var codec = new LengthPrefixedCodec(8, ByteOrder.LittleEndian, lengthOffset: 3);
        var stream = Bytes.Concat(Bytes.Hex("AABBCC 0300000000000000"), Bytes.Ascii("xyz"));
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            var decoded = FrameDecoder.DecodeBuffer(codec, Sequences.Split(stream, cut));

            Assert.Equal(["xyz"], decoded.Texts);
        }
    }

    [Fact]
    public void LengthPrefixedReturnsThePayloadAsASliceAfterTheHeader()
    {
        var input = new ReadOnlySequence<byte>(Bytes.Concat(Bytes.Hex("0002"), Bytes.Ascii("hi!")));
        SequencePosition consumed = default, examined = default;

        Assert.True(new LengthPrefixedCodec(2).TryParseMessage(input, ref consumed, ref examined, out var message));

        Assert.Equal(input.GetPosition(2), message.Start);
        Assert.Equal("hi", Bytes.Text(message.ToArray()));
        Assert.Equal(4, input.Slice(input.Start, consumed).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(-1)]
    public void LengthPrefixedAcceptsOnlyOneTwoFourOrEightByteHeaders(int headerBytes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPrefixedCodec(headerBytes));
    }

    [Fact]
    public void LengthPrefixedRejectsANegativeOffset()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPrefixedCodec(lengthOffset: -1));
    }

    [Fact]
    public void LengthPrefixedDefaultsToFourByteBigEndianAnd64KiB()
    {
        var codec = new LengthPrefixedCodec();

        Assert.Equal(FramingKind.LengthPrefixed, codec.Kind);
        Assert.Equal(64 * 1024, codec.MaxFrameBytes);
        Assert.Equal(4, codec.FramingOverhead);
        Assert.Equal(Bytes.Concat(Bytes.Hex("00000002"), Bytes.Ascii("hi")), Bytes.Encode(codec, "hi"));
    }
}
