using CsCheck;
using KestrelTcp.Fuzz;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests.Properties;

/// <summary>
/// Property-based tests of every codec with CsCheck: random configurations, random frames, random cuts
/// of the stream into reads and segments. CsCheck prints the seed of a failing case ("Set seed: ...");
/// pass it as <c>seed:</c> to <c>Sample</c> to replay it.
/// </summary>
public sealed class CodecPropertyTests
{
    private const int Iterations = 400;

    [Fact]
    public void DecodingWhatWasEncodedGivesThePayloadsBackHoweverTheStreamIsCut()
    {
        CodecGen.Framed
            .SelectMany(c => Gen.Select(Gen.Const(c), CodecGen.Payloads(c.Codec), CodecGen.CutSeed))
            .Sample((c, payloads, seed) =>
            {
                var stream = Bytes.Encode(c.Codec, payloads);

                var whole = FuzzTarget.Decode(c.Codec, [stream]);
                var cut = FuzzTarget.Decode(c.Codec, FuzzTarget.Cut(stream, seed));
                var span = FuzzTarget.DecodeWithSpanParser(c.Codec, stream);

                Assert.Null(whole.Error);
                Assert.Equal(payloads, whole.Frames);
                Assert.Null(cut.Error);
                Assert.Equal(payloads, cut.Frames);
                Assert.Null(span.Error);
                Assert.Equal(payloads, span.Frames);
            }, iter: Iterations);
    }

    [Fact]
    public void RawFramingGivesBackTheSameBytesInPiecesNoLargerThanTheMaximum()
    {
        Gen.Select(CodecGen.Raw, Gen.Byte.Array[0, 2000], CodecGen.CutSeed)
            .Sample((c, stream, seed) =>
            {
                var cut = FuzzTarget.Decode(c.Codec, FuzzTarget.Cut(stream, seed));

                Assert.Null(cut.Error);
                Assert.All(cut.Frames, f => Assert.InRange(f.Length, 1, c.Codec.MaxFrameBytes));
                Assert.Equal(stream, cut.Frames.SelectMany(f => f).ToArray());
            }, iter: Iterations);
    }

    [Fact]
    public void ProtocolReaderOverARealPipeGivesThePayloadsBackForRandomFlushesAndBlockSizes()
    {
        CodecGen.Framed
            .SelectMany(c => Gen.Select(Gen.Const(c), CodecGen.Payloads(c.Codec), CodecGen.CutSeed, Gen.Int[1, 64]))
            .Sample((c, payloads, seed, block) =>
            {
                var stream = Bytes.Encode(c.Codec, payloads);

                var decoded = FrameDecoder.DecodeThroughPipeAsync(c.Codec, FuzzTarget.Cut(stream, seed), block).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

                Assert.Equal(payloads, decoded.Success());
            }, iter: 150);
    }

    [Fact]
    public void ArbitraryBytesOnlyEverRaiseFramingExceptionsAndAgreeAcrossParsers()
    {
        // FuzzTarget.Run checks: only FramingException escapes, frames fit the maximum, nothing waits
        // holding more than one frame, and whole, cut and span decodings agree.
        CodecGen.Any
            .SelectMany(c => Gen.Select(Gen.Const(c), CodecGen.Stream(c.Codec), CodecGen.CutSeed))
            .Sample((c, stream, seed) =>
            {
                var whole = FuzzTarget.Decode(c.Codec, [stream]);
                var cut = FuzzTarget.Decode(c.Codec, FuzzTarget.Cut(stream, seed));
                var span = FuzzTarget.DecodeWithSpanParser(c.Codec, stream);

                Assert.All(whole.Frames.Concat(cut.Frames).Concat(span.Frames), f => Assert.True(f.Length <= c.Codec.MaxFrameBytes));
                if (c.Codec is not RawCodec)
                {
                    Assert.Equal(whole.Error, cut.Error);
                    Assert.Equal(whole.Frames, cut.Frames);
                    Assert.Equal(whole.Error, span.Error);
                    Assert.Equal(whole.Frames, span.Frames);
                }
            }, iter: 1000);
    }

    [Fact]
    public void ArbitraryFuzzInputsPassTheHarnessCheck()
    {
        Gen.Byte.Array[0, 600].Sample(input => FuzzTarget.Run(input), iter: 2000);
    }

    [Fact]
    public void ArbitraryBytesThroughProtocolReaderOnlyRaiseFramingExceptions()
    {
        CodecGen.Any
            .SelectMany(c => Gen.Select(Gen.Const(c), CodecGen.Stream(c.Codec), CodecGen.CutSeed, Gen.Int[1, 32]))
            .Sample((c, stream, seed, block) =>
            {
                // Any other exception escapes DecodeThroughPipeAsync and fails the property.
                var decoded = FrameDecoder.DecodeThroughPipeAsync(c.Codec, FuzzTarget.Cut(stream, seed), block).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

                Assert.All(decoded.Frames, f => Assert.True(f.Length <= c.Codec.MaxFrameBytes));
            }, iter: 150);
    }
}
