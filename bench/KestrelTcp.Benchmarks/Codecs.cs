using KestrelTcp.Protocols;

namespace KestrelTcp.Benchmarks;

/// <summary>The codecs measured, each configured as a listener typically would be.</summary>
internal static class Codecs
{
    /// <summary>Frames per invocation; results are per frame (OperationsPerInvoke).</summary>
    public const int Frames = 1000;

    public static FrameCodec Raw(int payloadBytes) => new RawCodec(payloadBytes);

    public static FrameCodec Line() => new LineCodec(FramingOptions.DefaultMaxFrameBytes);

    public static FrameCodec Delimiter() => new DelimiterCodec([0x7E]);

    public static FrameCodec DelimiterCrLf() => new DelimiterCodec("\r\n"u8);

    public static FrameCodec LengthPrefixed() => new LengthPrefixedCodec(4, ByteOrder.BigEndian);

    public static FrameCodec Fixed(int payloadBytes) => new FixedCodec(payloadBytes);

    /// <summary>Printable bytes with no LF, CR or 7E, so every codec accepts the payload.</summary>
    public static byte[] Payload(int length)
    {
        var payload = new byte[length];
        for (var i = 0; i < length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return payload;
    }
}
