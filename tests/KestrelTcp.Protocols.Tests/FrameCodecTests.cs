using System.Buffers;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

/// <summary>Behaviour every codec inherits from <see cref="FrameCodec"/>.</summary>
public sealed class FrameCodecTests
{
    public static TheoryData<string> CodecNames() => new(Codecs.Names);

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void ThrowIfTruncatedAcceptsAnEmptyRemainder(string name)
    {
        Codecs.Create(name).ThrowIfTruncated(ReadOnlySequence<byte>.Empty);
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void ThrowIfTruncatedReportsLeftoverBytesWithTheirCount(string name)
    {
        var leftover = Sequences.Split(Bytes.Ascii("abcde"), 2);

        var error = Assert.Throws<FramingException>(() => Codecs.Create(name).ThrowIfTruncated(leftover));

        Assert.Equal(FramingError.TruncatedFrame, error.Error);
        Assert.Contains("5 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void EveryCodecNeedsAPositiveMaximum(int max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RawCodec(max));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineCodec(max));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DelimiterCodec(Bytes.Hex("7E"), max));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LengthPrefixedCodec(maxFrameBytes: max));
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void EncodedLengthIsThePayloadPlusTheFramingOverhead(string name)
    {
        var codec = Codecs.Create(name);
        var payload = codec is FixedCodec ? Bytes.Pattern(codec.MaxFrameBytes) : Bytes.Pattern(10);

        var encoded = Bytes.Encode(codec, [payload]);

        Assert.Equal(payload.Length + codec.FramingOverhead, encoded.Length);
        Assert.Equal(encoded.Length, codec.GetEncodedLength(payload.Length));
    }

    [Fact]
    public void FramingExceptionsWithoutAKindAreInvalidFrames()
    {
        var inner = new InvalidOperationException("inner");

        Assert.Equal(FramingError.InvalidFrame, new FramingException().Error);
        Assert.Equal(FramingError.InvalidFrame, new FramingException("bad").Error);
        Assert.Equal(FramingError.InvalidFrame, new FramingException("bad", inner).Error);
        Assert.Same(inner, new FramingException("bad", inner).InnerException);
        Assert.Equal(FramingError.FrameTooLarge, new FramingException(FramingError.FrameTooLarge, "big").Error);
    }
}
