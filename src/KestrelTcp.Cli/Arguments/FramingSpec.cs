using System.Globalization;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Arguments;

/// <summary>
/// The <c>--framing</c> value: <c>line</c>, <c>raw</c>, <c>lp1</c>/<c>lp2</c>/<c>lp4</c>/<c>lp8</c> (big-endian
/// length prefix; <c>le</c> suffix for little-endian, as in <c>lp4le</c>), <c>delim:HEX</c> or <c>fixed:N</c>.
/// It builds the same <see cref="FramingOptions"/> a server listener is configured with.
/// </summary>
internal static class FramingSpec
{
    public const string Help = "line | raw | lp1 | lp2 | lp4 | lp8 (add 'le' for little-endian: lp4le) | delim:HEX | fixed:N";

    public static FramingOptions Parse(string text, int? maxFrameBytes)
    {
        var spec = text.Trim().ToLowerInvariant();
        var options = spec switch
        {
            "line" or "lines" => new FramingOptions { Kind = FramingKind.Line },
            "raw" => new FramingOptions { Kind = FramingKind.Raw },
            _ when spec.StartsWith("lp", StringComparison.Ordinal) => LengthPrefixed(spec, text),
            _ when spec.StartsWith("delim:", StringComparison.Ordinal) => new FramingOptions { Kind = FramingKind.Delimiter, Delimiter = spec["delim:".Length..] },
            _ when spec.StartsWith("fixed:", StringComparison.Ordinal) => Fixed(spec["fixed:".Length..], text),
            _ => throw new UsageException($"Unknown framing '{text}'. Use {Help}."),
        };

        if (maxFrameBytes is { } max && options.Kind != FramingKind.Fixed)
        {
            options.MaxFrameBytes = max;
        }

        var errors = options.Validate("--framing");
        if (errors.Count > 0)
        {
            throw new UsageException($"Invalid framing '{text}': {string.Join(" ", errors)}");
        }

        return options;
    }

    /// <summary>The short name, for reports (<c>lp4</c>, <c>delim:0D0A</c>…).</summary>
    public static string Describe(FramingOptions options) => options.Kind switch
    {
        FramingKind.Line => "line",
        FramingKind.Raw => "raw",
        FramingKind.Delimiter => $"delim:{options.Delimiter}",
        FramingKind.Fixed => string.Create(CultureInfo.InvariantCulture, $"fixed:{options.FrameBytes}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"lp{options.HeaderBytes}{(options.Endianness == ByteOrder.LittleEndian ? "le" : string.Empty)}"),
    };

    private static FramingOptions LengthPrefixed(string spec, string original)
    {
        var littleEndian = spec.EndsWith("le", StringComparison.Ordinal);
        var digits = spec[2..(littleEndian ? ^2 : ^0)];
        if (digits is not ("1" or "2" or "4" or "8"))
        {
            throw new UsageException($"Unknown framing '{original}': a length prefix is lp1, lp2, lp4 or lp8 (optionally with 'le').");
        }

        return new FramingOptions
        {
            Kind = FramingKind.LengthPrefixed,
            HeaderBytes = int.Parse(digits, CultureInfo.InvariantCulture),
            Endianness = littleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian,
        };
    }

    private static FramingOptions Fixed(string size, string original)
    {
        if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes < 1)
        {
            throw new UsageException($"Invalid framing '{original}': fixed:N needs a frame size in bytes, like fixed:16.");
        }

        return new FramingOptions { Kind = FramingKind.Fixed, FrameBytes = bytes };
    }
}
