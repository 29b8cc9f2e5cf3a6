using System.Buffers;

namespace KestrelTcp.Protocols.Tests;

/// <summary>
/// <see cref="FrameCodec.TryParseFrame"/> is the server's fast path for contiguous bytes. Whatever it
/// accepts must be exactly what <see cref="FrameCodec.TryParseMessage"/> gives, and whatever it rejects
/// must be rejected the same way; when it declines, the sequence parser decides.
/// </summary>
public sealed class SpanParserTests
{
    public static TheoryData<string> CodecNames => [.. Codecs.Keys];

    private static readonly Dictionary<string, Func<FrameCodec>> Codecs = new()
    {
        ["lp4"] = () => new LengthPrefixedCodec(maxFrameBytes: 40),
        ["lp2-le-adjusted"] = () => new LengthPrefixedCodec(2, ByteOrder.LittleEndian, lengthAdjustment: 2, lengthIncludesHeader: true, maxFrameBytes: 40),
        ["lp1-offset"] = () => new LengthPrefixedCodec(1, lengthOffset: 2, maxFrameBytes: 40),
        ["lp8"] = () => new LengthPrefixedCodec(8, maxFrameBytes: 40),
        ["fixed"] = () => new FixedCodec(7),
        ["line"] = () => new LineCodec(maxFrameBytes: 12),
        ["delimiter-1"] = () => new DelimiterCodec([0x7E], maxFrameBytes: 12),
        ["delimiter-3"] = () => new DelimiterCodec([0xAA, 0xBB, 0xCC], maxFrameBytes: 12),
    };

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void SpanParserAgreesWithTheSequenceParserOnRandomBytes(string name)
    {
        var codec = Codecs[name]();
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0x7FFF);
        var accepted = 0;
        for (var round = 0; round < 4000; round++)
        {
            var input = RandomInput(random, codec);
            var sequence = new ReadOnlySequence<byte>(input);
            var (spanResult, spanError) = Run(() => codec.TryParseFrame(input, out var offset, out var length, out var frameLength) ? (offset, length, frameLength) : ((int, int, int)?)null);
            var (sequenceResult, sequenceError) = Run(() =>
            {
                var consumed = sequence.Start;
                var examined = sequence.End;
                return codec.TryParseMessage(sequence, ref consumed, ref examined, out var message)
                    ? (message.ToArray(), (int)sequence.Slice(0, consumed).Length)
                    : ((byte[], int)?)null;
            });

            if (spanError is not null)
            {
                Assert.NotNull(sequenceError);
                Assert.Equal(sequenceError.Error, spanError.Error);
                continue;
            }

            if (spanResult is not { } frame)
            {
                continue;
            }

            accepted++;
            Assert.Null(sequenceError);
            Assert.NotNull(sequenceResult);
            Assert.Equal(sequenceResult.Value.Item1, input.AsSpan(frame.Item1, frame.Item2).ToArray());
            Assert.Equal(sequenceResult.Value.Item2, frame.Item3);
        }

        Assert.True(accepted > 100, $"The span parser accepted only {accepted} frames; the test is not exercising it.");
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void SpanParserTakesEveryWholeFrameItIsGiven(string name)
    {
        var codec = Codecs[name]();
        var writer = new ArrayBufferWriter<byte>();
        byte[][] payloads = name == "fixed" ? [[1, 2, 3, 4, 5, 6, 7], [0, 0, 0, 0, 0, 0, 0]] : [[1, 2, 3], [], [9, 8, 7, 6, 5, 4, 3, 2, 1]];
        foreach (var payload in payloads)
        {
            codec.WriteMessage(payload, writer);
        }

        var input = writer.WrittenSpan;
        var offset = 0;
        foreach (var payload in payloads)
        {
            Assert.True(codec.TryParseFrame(input[offset..], out var payloadOffset, out var payloadLength, out var frameLength));
            Assert.Equal(payload, input.Slice(offset + payloadOffset, payloadLength).ToArray());
            offset += frameLength;
        }

        Assert.Equal(input.Length, offset);
        Assert.False(codec.TryParseFrame(input[offset..], out _, out _, out _));
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void ACodecThatReframesVerbatimGivesBackTheBytesOfEveryFrameItParses(string name)
    {
        var codec = Codecs[name]();
        var random = new Random(7);
        var checkedFrames = 0;
        var differed = false;
        for (var round = 0; round < 2000; round++)
        {
            var input = RandomInput(random, codec);
            try
            {
                if (!codec.TryParseFrame(input, out var offset, out var length, out var frameLength) ||
                    !codec.TryValidatePayload(input.AsSpan(offset, length), out _))
                {
                    continue;
                }

                var reframed = new byte[codec.GetEncodedLength(length)];
                codec.Encode(input.AsSpan(offset, length), reframed);
                var same = reframed.AsSpan().SequenceEqual(input.AsSpan(0, frameLength));
                if (codec.ReframesVerbatim)
                {
                    Assert.True(same, $"{name} claims to reframe verbatim but changed a frame.");
                }

                differed |= !same;
                checkedFrames++;
            }
            catch (FramingException)
            {
            }
        }

        Assert.True(checkedFrames > 100);
        // The codecs that say no really do change some frames (a dropped CR, zeroed offset bytes).
        Assert.Equal(name is "line" or "lp1-offset", differed);
        Assert.Equal(name is not ("line" or "lp1-offset"), codec.ReframesVerbatim);
    }

    [Fact]
    public void RawHasNoSpanParserSoAWholeReadStaysOneFrame()
    {
        Assert.False(new RawCodec().TryParseFrame([1, 2, 3], out _, out _, out _));
    }

    [Fact]
    public void EncodeIntoASpanMatchesTheBufferWriterAndRefusesWhatItCannotFrame()
    {
        var codec = new LineCodec();
        var expected = new ArrayBufferWriter<byte>();
        codec.WriteMessage("hello"u8, expected);
        var destination = new byte[16];

        var written = codec.Encode(new ReadOnlySequence<byte>("hello"u8.ToArray()), destination);

        Assert.Equal(expected.WrittenSpan.ToArray(), destination.AsSpan(0, written).ToArray());
        Assert.Throws<ArgumentException>(() => codec.Encode("a\nb"u8, destination));
        Assert.Throws<ArgumentException>(() => codec.Encode("hello"u8, new byte[5]));
    }

    private static byte[] RandomInput(Random random, FrameCodec codec)
    {
        // Mostly well-formed frames (so both parsers accept), cut at a random point, sometimes with
        // random bytes in place of a header or a missing delimiter.
        var writer = new ArrayBufferWriter<byte>();
        var frames = random.Next(1, 4);
        for (var i = 0; i < frames; i++)
        {
            var length = codec is FixedCodec ? codec.MaxFrameBytes : random.Next(0, codec.MaxFrameBytes + 1);
            var payload = new byte[length];
            random.NextBytes(payload);
            if (codec.TryValidatePayload(payload, out _))
            {
                codec.WriteMessage(payload, writer);
            }
        }

        var bytes = writer.WrittenSpan.ToArray();
        switch (random.Next(4))
        {
            case 0:
                random.NextBytes(bytes.AsSpan(0, Math.Min(bytes.Length, 9)));
                break;
            case 1:
                return bytes[..random.Next(0, bytes.Length + 1)];
            case 2:
                var noise = new byte[random.Next(0, 60)];
                random.NextBytes(noise);
                return noise;
        }

        return bytes;
    }

    private static (T? Result, FramingException? Error) Run<T>(Func<T> parse)
    {
        try
        {
            return (parse(), null);
        }
        catch (FramingException ex)
        {
            return (default, ex);
        }
    }
}
