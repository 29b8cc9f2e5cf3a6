using KestrelTcp.Protocols;

namespace KestrelTcp.Client.Tests.Helpers;

/// <summary>
/// One Echo listener per framing the client must speak, each described once as server configuration
/// keys and as the client's <see cref="FramingOptions"/>, so both sides are built from the same table.
/// </summary>
public static class TestListeners
{
    public static readonly IReadOnlyDictionary<string, FramingOptions> Framings = new Dictionary<string, FramingOptions>
    {
        ["line"] = new() { Kind = FramingKind.Line },
        ["raw"] = new() { Kind = FramingKind.Raw },
        ["delim-crlf"] = new() { Kind = FramingKind.Delimiter, Delimiter = "0D0A" },
        ["delim-7e"] = new() { Kind = FramingKind.Delimiter, Delimiter = "7E" },
        ["lp1"] = new() { Kind = FramingKind.LengthPrefixed, HeaderBytes = 1 },
        ["lp2"] = new() { Kind = FramingKind.LengthPrefixed, HeaderBytes = 2 },
        ["lp4"] = new() { Kind = FramingKind.LengthPrefixed, HeaderBytes = 4 },
        ["lp8"] = new() { Kind = FramingKind.LengthPrefixed, HeaderBytes = 8 },
        ["lp2-le-offset"] = new() { Kind = FramingKind.LengthPrefixed, HeaderBytes = 2, Endianness = ByteOrder.LittleEndian, LengthOffset = 2, LengthIncludesHeader = true },
        ["fixed16"] = new() { Kind = FramingKind.Fixed, FrameBytes = 16 },
    };

    /// <summary>Server settings for an Echo listener per entry of <see cref="Framings"/>.</summary>
    public static Dictionary<string, string?> EchoSettings()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (name, framing) in Framings)
        {
            AddListener(settings, name, "Echo", framing);
        }

        return settings;
    }

    public static void AddListener(IDictionary<string, string?> settings, string name, string mode, FramingOptions framing, int port = 0)
    {
        var prefix = $"KestrelTcp:Listeners:{name}";
        settings[$"{prefix}:Address"] = "127.0.0.1";
        settings[$"{prefix}:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[$"{prefix}:Mode"] = mode;
        settings[$"{prefix}:Framing:Kind"] = framing.Kind.ToString();
        if (framing.MaxFrameBytes is { } max)
        {
            settings[$"{prefix}:Framing:MaxFrameBytes"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        switch (framing.Kind)
        {
            case FramingKind.Delimiter:
                settings[$"{prefix}:Framing:Delimiter"] = framing.Delimiter;
                break;
            case FramingKind.LengthPrefixed:
                settings[$"{prefix}:Framing:HeaderBytes"] = framing.HeaderBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
                settings[$"{prefix}:Framing:Endianness"] = framing.Endianness.ToString();
                settings[$"{prefix}:Framing:LengthOffset"] = framing.LengthOffset.ToString(System.Globalization.CultureInfo.InvariantCulture);
                settings[$"{prefix}:Framing:LengthAdjustment"] = framing.LengthAdjustment.ToString(System.Globalization.CultureInfo.InvariantCulture);
                settings[$"{prefix}:Framing:LengthIncludesHeader"] = framing.LengthIncludesHeader ? "true" : "false";
                break;
            case FramingKind.Fixed:
                settings[$"{prefix}:Framing:FrameBytes"] = framing.FrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
        }
    }

    /// <summary>A copy of the named framing (options are mutable, tests must not share instances).</summary>
    public static FramingOptions Framing(string name)
    {
        var f = Framings[name];
        return new FramingOptions
        {
            Kind = f.Kind,
            MaxFrameBytes = f.MaxFrameBytes,
            Delimiter = f.Delimiter,
            HeaderBytes = f.HeaderBytes,
            Endianness = f.Endianness,
            LengthOffset = f.LengthOffset,
            LengthAdjustment = f.LengthAdjustment,
            LengthIncludesHeader = f.LengthIncludesHeader,
            FrameBytes = f.FrameBytes,
        };
    }
}
