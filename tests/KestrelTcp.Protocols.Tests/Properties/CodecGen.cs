using CsCheck;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests.Properties;

/// <summary>CsCheck generators for codec configurations, payloads made mostly of each codec's special bytes, and read cuts.</summary>
internal static class CodecGen
{
    private static readonly Gen<int> Max = Gen.OneOf(Gen.Int[1, 8], Gen.Int[1, 300]);

    public static readonly Gen<CodecCase> Raw = Max.Select(max => new CodecCase($"Raw(max {max})", new RawCodec(max)));

    public static readonly Gen<CodecCase> Line = Max.Select(max => new CodecCase($"Line(max {max})", new LineCodec(max)));

    public static readonly Gen<CodecCase> Delimiter =
        Gen.Select(Gen.OneOf(Gen.Byte.Array[1, 4], Gen.OneOf(Bytes.Hex("0D0A"), Bytes.Hex("7E"), Bytes.Hex("7E7E"), Bytes.Hex("7E007E"))), Max)
            .Select((delimiter, max) => new CodecCase($"Delimiter({Convert.ToHexString(delimiter)}, max {max})", new DelimiterCodec(delimiter, max)));

    public static readonly Gen<CodecCase> LengthPrefixed =
        Gen.Select(Gen.OneOf(1, 2, 4, 8), Gen.Bool, Gen.Int[0, 4], Gen.Int[-16, 16], Gen.Bool, Max)
            .Select((header, little, offset, adjustment, includesHeader, max) => new CodecCase(
                $"LengthPrefixed({header}, {(little ? "LittleEndian" : "BigEndian")}, offset {offset}, adjustment {adjustment}, {(includesHeader ? "includes header" : "payload only")}, max {max})",
                new LengthPrefixedCodec(header, little ? ByteOrder.LittleEndian : ByteOrder.BigEndian, offset, adjustment, includesHeader, max)));

    public static readonly Gen<CodecCase> Fixed = Gen.Int[1, 40].Select(size => new CodecCase($"Fixed({size})", new FixedCodec(size)));

    /// <summary>Every codec kind, including Raw.</summary>
    public static readonly Gen<CodecCase> Any = Gen.OneOf(Raw, Line, Delimiter, LengthPrefixed, Fixed);

    /// <summary>The codecs whose frames do not depend on read boundaries (all but Raw).</summary>
    public static readonly Gen<CodecCase> Framed = Gen.OneOf(Line, Delimiter, LengthPrefixed, Fixed);

    /// <summary>Up to 12 payloads the codec can send and get back unchanged; lengths up to the maximum.</summary>
    public static Gen<byte[][]> Payloads(FrameCodec codec)
    {
        if (Repair(codec, []) is null)
        {
            // For example a length adjustment larger than the maximum frame: no payload can be sent.
            return Gen.Const(Array.Empty<byte[]>());
        }

        var alphabet = Codecs.Alphabet(codec);
        var special = Gen.Int[0, alphabet.Length - 1].Select(i => alphabet[i]);
        var b = Gen.Frequency((3, special), (1, Gen.Byte));
        var length = Gen.OneOf(Gen.Int[0, Math.Min(codec.MaxFrameBytes, 16)], Gen.Int[0, codec.MaxFrameBytes], Gen.Const(codec.MaxFrameBytes));
        var payload = length.SelectMany(n => b.Array[n]).Select(p => Repair(codec, p)).Where(p => p is not null).Select(p => p!);
        return payload.Array[0, 12];
    }

    /// <summary>
    /// Makes a random payload sendable with few changes (so that most special bytes stay): bytes that
    /// would end the frame early become a byte outside the delimiter, and a length the length field
    /// cannot carry becomes the nearest one it can. Null when the codec can send no payload at all.
    /// </summary>
    private static byte[]? Repair(FrameCodec codec, byte[] payload)
    {
        var filler = Filler(codec);
        var q = payload;
        for (var guard = 0; guard <= q.Length && !CanRoundTrip(codec, q); guard++)
        {
            var at = codec switch
            {
                DelimiterCodec d => q.AsSpan().IndexOf(d.Delimiter.Span),
                LineCodec => Array.IndexOf(q, (byte)'\n'),
                _ => -1,
            };
            if (at < 0 && (q.Length == 0 || codec is not (DelimiterCodec or LineCodec)))
            {
                break;
            }

            q[at >= 0 ? at : q.Length - 1] = filler;
        }

        if (CanRoundTrip(codec, q))
        {
            return q;
        }

        for (var distance = 1; distance <= codec.MaxFrameBytes + q.Length; distance++)
        {
            foreach (var length in new[] { q.Length - distance, q.Length + distance })
            {
                if (length >= 0 && length <= codec.MaxFrameBytes)
                {
                    var candidate = Enumerable.Repeat(filler, length).ToArray();
                    q.AsSpan(0, Math.Min(length, q.Length)).CopyTo(candidate);
                    if (CanRoundTrip(codec, candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        return null;
    }

    private static byte Filler(FrameCodec codec)
    {
        var avoid = codec is DelimiterCodec d ? d.Delimiter.ToArray() : [(byte)'\n', (byte)'\r'];
        var filler = (byte)'A';
        while (avoid.Contains(filler))
        {
            filler++;
        }

        return filler;
    }

    /// <summary>Hostile streams for <paramref name="codec"/>: mostly its special bytes and small length values, some anything.</summary>
    public static Gen<byte[]> Stream(FrameCodec codec)
    {
        byte[] alphabet = [.. Codecs.Alphabet(codec), 0x00, 0x01, 0x02, 0x03, 0x0D, 0x0A, 0xFF];
        var b = Gen.Frequency((3, Gen.Int[0, alphabet.Length - 1].Select(i => alphabet[i])), (1, Gen.Byte));
        return Gen.OneOf(b.Array[0, 64], b.Array[0, 700], Gen.Byte.Array[0, 300]);
    }

    /// <summary>A seed that cuts a stream into reads (see <see cref="KestrelTcp.Fuzz.FuzzTarget.Cut"/>).</summary>
    public static readonly Gen<int> CutSeed = Gen.Int;

    /// <summary>The encoder accepts it, and it does not end in CR, which a line reader strips.</summary>
    private static bool CanRoundTrip(FrameCodec codec, byte[] payload) =>
        codec.TryValidatePayload(payload, out _) && !(codec is LineCodec && payload.Length > 0 && payload[^1] == (byte)'\r');
}
