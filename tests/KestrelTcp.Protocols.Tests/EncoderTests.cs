using System.Buffers;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

/// <summary>Encoding rules shared by every codec: validation, and writing spans and sequences.</summary>
public sealed class EncoderTests
{
    public static TheoryData<string> CodecNames() => new(Codecs.Names);

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void EncoderRejectsAPayloadOverMaxAndWritesNothing(string name)
    {
        var codec = Codecs.Create(name);
        var payload = Bytes.Pattern(codec.MaxFrameBytes + 1);
        var writer = new ArrayBufferWriter<byte>();

        Assert.False(codec.TryValidatePayload(payload, out var spanError));
        Assert.False(codec.TryValidatePayload(Sequences.OneBytePerSegment(payload), out var sequenceError));
        var thrown = Assert.Throws<ArgumentException>(() => codec.WriteMessage(payload, writer));
        Assert.Throws<ArgumentException>(() => codec.WriteMessage(Sequences.OneBytePerSegment(payload), writer));

        Assert.Contains("exceeds the maximum frame size", spanError, StringComparison.Ordinal);
        Assert.Equal(spanError, sequenceError);
        Assert.StartsWith(spanError, thrown.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void EncoderWritesTheSameBytesForASpanAndForASegmentedSequence(string name)
    {
        var codec = Codecs.Create(name);
        var payload = codec is FixedCodec ? Bytes.Pattern(5) : Bytes.Pattern(40);
        var fromSpan = new ArrayBufferWriter<byte>();
        var fromSequence = new ArrayBufferWriter<byte>();

        codec.WriteMessage(payload, fromSpan);
        codec.WriteMessage(Sequences.Split(payload, 1, 0, 2), fromSequence);

        Assert.Equal(fromSpan.WrittenSpan.ToArray(), fromSequence.WrittenSpan.ToArray());
        Assert.Equal(codec.GetEncodedLength(payload.Length), fromSpan.WrittenCount);
    }

    public static TheoryData<string, int> LargeFrameCases() => new()
    {
        { "Line", 4095 },
        { "Line", 4096 },
        { "Line", 20_000 },
        { "Delimiter", 4094 },
        { "Delimiter", 20_000 },
        { "LengthPrefixed", 4092 },
        { "LengthPrefixed", 4093 },
        { "LengthPrefixed", 20_000 },
        { "Fixed", 20_000 },
        { "Raw", 20_000 },
    };

    [Theory]
    [MemberData(nameof(LargeFrameCases))]
    public void EncoderWritesLargeFramesIntoAWriterThatGivesOnlyWhatIsAskedFor(string kind, int length)
    {
        FrameCodec codec = kind switch
        {
            "Line" => new LineCodec(30_000),
            "Delimiter" => new DelimiterCodec(Bytes.Hex("0D0A"), 30_000),
            "LengthPrefixed" => new LengthPrefixedCodec(4, ByteOrder.LittleEndian, lengthOffset: 2, maxFrameBytes: 30_000),
            "Fixed" => new FixedCodec(length),
            _ => new RawCodec(30_000),
        };
        var payload = Bytes.Pattern(length);
        var expected = new ArrayBufferWriter<byte>();
        codec.WriteMessage(payload, expected);

        var fromSpan = new StingyBufferWriter();
        var fromSequence = new StingyBufferWriter();
        codec.WriteMessage(payload, fromSpan);
        codec.WriteMessage(Sequences.RandomSegments(payload, length), fromSequence);

        Assert.Equal(codec.GetEncodedLength(length), expected.WrittenCount);
        Assert.Equal(expected.WrittenSpan.ToArray(), fromSpan.Written);
        Assert.Equal(expected.WrittenSpan.ToArray(), fromSequence.Written);
        Assert.Equal([payload], FrameDecoder.DecodeBuffer(codec, new(fromSpan.Written)).Success());
    }

    [Fact]
    public void EncoderRejectsALineFeedInsideALinePayload()
    {
        var codec = new LineCodec();

        AssertRejected(codec, Bytes.Ascii("one\ntwo"), "line feed");
        AssertRejected(codec, Bytes.Ascii("\n"), "line feed");
        Assert.False(codec.TryValidatePayload(Sequences.Split(Bytes.Ascii("abc\ndef"), 3), out _));
        Assert.False(codec.TryValidatePayload(Sequences.Split(Bytes.Ascii("abc\ndef"), 4), out _));
        Assert.True(codec.TryValidatePayload(Bytes.Ascii("carriage\rreturn"), out _));
    }

    [Fact]
    public void EncoderRejectsTheDelimiterInsideADelimiterPayload()
    {
        var codec = new DelimiterCodec(Bytes.Hex("0D0A"));

        AssertRejected(codec, Bytes.Ascii("a\r\nb"), "delimiter");
        AssertRejected(codec, Bytes.Ascii("\r\n"), "delimiter");
        Assert.True(codec.TryValidatePayload(Bytes.Ascii("a\rb\nc\n\r"), out _));
    }

    [Fact]
    public void EncoderRejectsADelimiterSplitAcrossTheSegmentsOfASequencePayload()
    {
        var codec = new DelimiterCodec(Bytes.Hex("AA BB CC"));
        var payload = Bytes.Hex("01 AA BB CC 02");
        for (var cut = 0; cut <= payload.Length; cut++)
        {
            Assert.False(codec.TryValidatePayload(Sequences.Split(payload, cut), out _));
            Assert.False(codec.TryValidatePayload(Sequences.OneBytePerSegment(payload), out _));
        }

        Assert.True(codec.TryValidatePayload(Sequences.OneBytePerSegment(Bytes.Hex("01 AA BB 02 BB CC")), out _));
    }

    [Theory]
    [InlineData("7E7E", "41 7E")]
    [InlineData("7E7E", "7E")]
    [InlineData("7E007E", "41 7E 00")]
    [InlineData("AAAAAA", "AA AA")]
    [InlineData("AAAAAA", "AA")]
    public void EncoderRejectsAPayloadWhoseEndFormsTheDelimiterEarlyWithTheAppendedDelimiter(string delimiter, string payload)
    {
        // "41 7E" + "7E 7E" is "41 7E 7E 7E": a reader stops at the first "7E 7E", so the frame would
        // be split and a stray byte would start the next one.
        var codec = new DelimiterCodec(Bytes.Hex(delimiter));

        AssertRejected(codec, Bytes.Hex(payload), "start of the frame delimiter");
        Assert.False(codec.TryValidatePayload(Sequences.OneBytePerSegment(Bytes.Hex(payload)), out _));
    }

    [Theory]
    [InlineData("7E7E", "7E 41")]
    [InlineData("0D0A", "41 0D")]
    [InlineData("7E007E", "7E 41")]
    [InlineData("7E007E", "7E")]
    [InlineData("7E007E", "41 7E 7E")]
    [InlineData("AABBCC", "AA BB")]
    public void EncoderAcceptsAPayloadEndingInPartOfADelimiterThatCannotOverlapIt(string delimiter, string payload)
    {
        var codec = new DelimiterCodec(Bytes.Hex(delimiter));
        var bytes = Bytes.Hex(payload);

        Assert.True(codec.TryValidatePayload(bytes, out var error), error);
        Assert.Equal([bytes], FrameDecoder.DecodeBuffer(codec, new(Bytes.Encode(codec, [bytes]))).Success());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public void EncoderRejectsAFixedPayloadOfTheWrongSize(int length)
    {
        var codec = new FixedCodec(4);

        AssertRejected(codec, Bytes.Pattern(length), "4 bytes");
        Assert.False(codec.TryValidatePayload(Sequences.OneBytePerSegment(Bytes.Pattern(length)), out _));
    }

    [Fact]
    public void EncoderRejectsALengthNotExpressibleInAOneByteHeader()
    {
        var codec = new LengthPrefixedCodec(1, maxFrameBytes: 1000);

        AssertRejected(codec, Bytes.Pattern(256), "1-byte length field");
        Assert.False(codec.TryValidatePayload(Sequences.Split(Bytes.Pattern(256), 100), out _));
    }

    [Fact]
    public void EncoderAppendsFramesAfterWhatTheWriterAlreadyHolds()
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(Bytes.Ascii("xy"));

        new LineCodec().WriteMessage(Bytes.Ascii("a"), writer);
        new LengthPrefixedCodec(1).WriteMessage(Sequences.Split(Bytes.Ascii("bc"), 1), writer);

        Assert.Equal(Bytes.Concat(Bytes.Ascii("xya\n"), Bytes.Hex("02"), Bytes.Ascii("bc")), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void EncoderNeedsAWriter()
    {
        var codec = new LineCodec();

        Assert.Throws<ArgumentNullException>(() => codec.WriteMessage(Bytes.Ascii("a"), null!));
        Assert.Throws<ArgumentNullException>(() => codec.WriteMessage(new ReadOnlySequence<byte>(Bytes.Ascii("a")), null!));
    }

    private static void AssertRejected(FrameCodec codec, byte[] payload, string reason)
    {
        var writer = new ArrayBufferWriter<byte>();

        Assert.False(codec.TryValidatePayload(payload, out var spanError));
        Assert.False(codec.TryValidatePayload(new ReadOnlySequence<byte>(payload), out var sequenceError));
        var thrown = Assert.Throws<ArgumentException>(() => codec.WriteMessage(payload, writer));
        Assert.Throws<ArgumentException>(() => codec.WriteMessage(new ReadOnlySequence<byte>(payload), writer));

        Assert.Contains(reason, spanError, StringComparison.Ordinal);
        Assert.Equal(spanError, sequenceError);
        Assert.Contains(reason, thrown.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.WrittenCount);
    }
}
