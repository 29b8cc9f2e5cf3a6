namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>Named codec configurations for theories that run over many codecs.</summary>
internal static class Codecs
{
    private static readonly Dictionary<string, Func<FrameCodec>> Catalog = new()
    {
        ["Raw(64)"] = () => new RawCodec(64),
        ["Line(64)"] = () => new LineCodec(64),
        ["Delimiter(7E)"] = () => new DelimiterCodec(Bytes.Hex("7E"), 64),
        ["Delimiter(0D0A)"] = () => new DelimiterCodec(Bytes.Hex("0D0A"), 64),
        ["Delimiter(7E7E)"] = () => new DelimiterCodec(Bytes.Hex("7E7E"), 64),
        ["Delimiter(7E007E)"] = () => new DelimiterCodec(Bytes.Hex("7E007E"), 64),
        ["LengthPrefixed(1)"] = () => new LengthPrefixedCodec(1, maxFrameBytes: 64),
        ["LengthPrefixed(2, LE, offset 1)"] = () => new LengthPrefixedCodec(2, ByteOrder.LittleEndian, lengthOffset: 1, maxFrameBytes: 64),
        ["LengthPrefixed(4, includes header)"] = () => new LengthPrefixedCodec(4, lengthIncludesHeader: true, maxFrameBytes: 64),
        ["LengthPrefixed(8, LE, adjustment -3)"] = () => new LengthPrefixedCodec(8, ByteOrder.LittleEndian, lengthAdjustment: -3, maxFrameBytes: 64),
        ["Fixed(5)"] = () => new FixedCodec(5),
    };

    public static IEnumerable<string> Names => Catalog.Keys;

    public static FrameCodec Create(string name) => Catalog[name]();

    /// <summary>Bytes the codec treats specially, so that random payloads are made mostly of them.</summary>
    public static byte[] Alphabet(FrameCodec codec) => codec switch
    {
        LineCodec => Bytes.Hex("0A 0D 41 00"),
        DelimiterCodec delimiter => [.. delimiter.Delimiter.ToArray().Distinct(), 0x41],
        _ => Bytes.Hex("00 0A 7E FF"),
    };
}
