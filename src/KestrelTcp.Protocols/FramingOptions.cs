using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace KestrelTcp.Protocols;

/// <summary>
/// Framing settings for one listener or client. The same options build the same codec in the
/// server and in the client, so both sides always agree on where a frame ends.
/// </summary>
public sealed class FramingOptions
{
    /// <summary>Default maximum frame size for every kind but <see cref="FramingKind.Line"/>: 64 KiB.
    /// Large enough for typical device telemetry, small enough that one hostile length prefix cannot
    /// make the server buffer much.</summary>
    public const int DefaultMaxFrameBytes = 64 * 1024;

    /// <summary>Default maximum line length for <see cref="FramingKind.Line"/>: 8 KiB.</summary>
    public const int DefaultMaxLineBytes = 8 * 1024;

    /// <summary>Upper bound for <see cref="MaxFrameBytes"/>: 64 MiB. A larger frame is not a message
    /// but a file transfer, and it would have to be buffered whole.</summary>
    public const int MaxFrameBytesLimit = 64 * 1024 * 1024;

    /// <summary>How the stream is split into frames. Default <see cref="FramingKind.Line"/>.</summary>
    public FramingKind Kind { get; set; } = FramingKind.Line;

    /// <summary>Largest frame payload accepted or sent, in bytes. When unset, 8 KiB for
    /// <see cref="FramingKind.Line"/> and 64 KiB otherwise. A frame over it closes the session with
    /// <see cref="FramingError.FrameTooLarge"/> before the frame is buffered.</summary>
    public int? MaxFrameBytes { get; set; }

    /// <summary>For <see cref="FramingKind.Delimiter"/>: the delimiter as hex, for example <c>0D0A</c> or <c>7E</c>.</summary>
    public string? Delimiter { get; set; }

    /// <summary>For <see cref="FramingKind.LengthPrefixed"/>: size of the length field, 1, 2, 4 or 8 bytes. Default 4.</summary>
    [AllowedValues(1, 2, 4, 8)]
    public int HeaderBytes { get; set; } = 4;

    /// <summary>For <see cref="FramingKind.LengthPrefixed"/>: byte order of the length field. Default big-endian (network order).</summary>
    public ByteOrder Endianness { get; set; } = ByteOrder.BigEndian;

    /// <summary>For <see cref="FramingKind.LengthPrefixed"/>: bytes before the length field (Netty's
    /// lengthFieldOffset). They belong to the header and are not part of the payload; the encoder writes zeros.</summary>
    public int LengthOffset { get; set; }

    /// <summary>For <see cref="FramingKind.LengthPrefixed"/>: added to the length field value to get the
    /// payload length (Netty's lengthAdjustment).</summary>
    public int LengthAdjustment { get; set; }

    /// <summary>For <see cref="FramingKind.LengthPrefixed"/>: the length field counts the header
    /// (offset and length field) as well as the payload.</summary>
    public bool LengthIncludesHeader { get; set; }

    /// <summary>For <see cref="FramingKind.Fixed"/>: the size of every frame.</summary>
    public int FrameBytes { get; set; }

    /// <summary>The effective maximum frame size, with the kind's default applied.</summary>
    public int EffectiveMaxFrameBytes => Kind switch
    {
        FramingKind.Fixed => FrameBytes,
        _ => MaxFrameBytes ?? (Kind == FramingKind.Line ? DefaultMaxLineBytes : DefaultMaxFrameBytes),
    };

    /// <summary>
    /// Checks the options and returns one message per problem, each naming the setting under
    /// <paramref name="path"/> (for example <c>KestrelTcp:Listeners:default:Framing</c>).
    /// </summary>
    public IReadOnlyList<string> Validate(string path = "Framing")
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Kind))
        {
            errors.Add($"{path}:Kind must be one of {string.Join(", ", Enum.GetNames<FramingKind>())} (was '{Kind}').");
            return errors;
        }

        if (Kind != FramingKind.Fixed && MaxFrameBytes is { } max && (max < 1 || max > MaxFrameBytesLimit))
        {
            errors.Add($"{path}:MaxFrameBytes must be between 1 and {MaxFrameBytesLimit} (was {max}).");
        }

        switch (Kind)
        {
            case FramingKind.Delimiter:
                if (string.IsNullOrWhiteSpace(Delimiter))
                {
                    errors.Add($"{path}:Delimiter is required for Delimiter framing (hex, for example 0D0A).");
                }
                else if (!TryParseHex(Delimiter, out var bytes) || bytes.Length == 0 || bytes.Length > 16)
                {
                    errors.Add($"{path}:Delimiter must be 1 to 16 bytes of hex, for example 0D0A or 7E (was '{Delimiter}').");
                }

                break;
            case FramingKind.LengthPrefixed:
                if (HeaderBytes is not (1 or 2 or 4 or 8))
                {
                    errors.Add($"{path}:HeaderBytes must be 1, 2, 4 or 8 (was {HeaderBytes}).");
                }

                if (!Enum.IsDefined(Endianness))
                {
                    errors.Add($"{path}:Endianness must be BigEndian or LittleEndian (was '{Endianness}').");
                }

                if (LengthOffset < 0 || LengthOffset > 1024)
                {
                    errors.Add($"{path}:LengthOffset must be between 0 and 1024 (was {LengthOffset}).");
                }

                if (LengthAdjustment < -MaxFrameBytesLimit || LengthAdjustment > MaxFrameBytesLimit)
                {
                    errors.Add($"{path}:LengthAdjustment must be between {-MaxFrameBytesLimit} and {MaxFrameBytesLimit} (was {LengthAdjustment}).");
                }

                break;
            case FramingKind.Fixed:
                if (FrameBytes < 1 || FrameBytes > MaxFrameBytesLimit)
                {
                    errors.Add($"{path}:FrameBytes must be between 1 and {MaxFrameBytesLimit} for Fixed framing (was {FrameBytes}).");
                }

                break;
        }

        return errors;
    }

    /// <summary>Builds the codec these options describe.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public FrameCodec CreateCodec() => FrameCodec.Create(this);

    /// <summary>A short human-readable description, for example <c>LengthPrefixed(4, BigEndian)</c>.</summary>
    public override string ToString() => Kind switch
    {
        FramingKind.Delimiter => $"Delimiter({Delimiter})",
        FramingKind.LengthPrefixed => string.Create(CultureInfo.InvariantCulture, $"LengthPrefixed({HeaderBytes}, {Endianness})"),
        FramingKind.Fixed => string.Create(CultureInfo.InvariantCulture, $"Fixed({FrameBytes})"),
        _ => Kind.ToString(),
    };

    internal static bool TryParseHex(string text, out byte[] bytes)
    {
        var compact = text.Replace(" ", string.Empty, StringComparison.Ordinal)
            .Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase);
        try
        {
            bytes = Convert.FromHexString(compact);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
