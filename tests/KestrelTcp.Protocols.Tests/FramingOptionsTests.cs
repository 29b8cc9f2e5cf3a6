using System.Buffers;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

public sealed class FramingOptionsTests
{
    private const string Path = "KestrelTcp:Listeners:devices:Framing";

    [Fact]
    public void DefaultsAreLineFramingWithEightKiBLinesAndAFourByteBigEndianHeader()
    {
        var options = new FramingOptions();

        Assert.Equal(FramingKind.Line, options.Kind);
        Assert.Null(options.MaxFrameBytes);
        Assert.Equal(8 * 1024, options.EffectiveMaxFrameBytes);
        Assert.Equal(4, options.HeaderBytes);
        Assert.Equal(ByteOrder.BigEndian, options.Endianness);
        Assert.Equal(0, options.LengthOffset);
        Assert.Equal(0, options.LengthAdjustment);
        Assert.False(options.LengthIncludesHeader);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData(FramingKind.Raw)]
    [InlineData(FramingKind.LengthPrefixed)]
    public void EveryKindButLineAndFixedDefaultsTo64KiB(FramingKind kind)
    {
        var options = new FramingOptions { Kind = kind };

        Assert.Equal(64 * 1024, options.EffectiveMaxFrameBytes);
        Assert.Equal(64 * 1024, options.CreateCodec().MaxFrameBytes);
    }

    [Fact]
    public void DelimiterDefaultsTo64KiB()
    {
        var options = new FramingOptions { Kind = FramingKind.Delimiter, Delimiter = "7E" };

        Assert.Equal(64 * 1024, options.CreateCodec().MaxFrameBytes);
    }

    [Fact]
    public void LineCodecFromOptionsDefaultsToEightKiB()
    {
        Assert.Equal(8 * 1024, new FramingOptions().CreateCodec().MaxFrameBytes);
    }

    [Fact]
    public void FixedFramesAreTheirOwnMaximumAndMaxFrameBytesIsIgnored()
    {
        var options = new FramingOptions { Kind = FramingKind.Fixed, FrameBytes = 12, MaxFrameBytes = 0 };

        Assert.Equal(12, options.EffectiveMaxFrameBytes);
        Assert.Empty(options.Validate());
        Assert.Equal(12, Assert.IsType<FixedCodec>(options.CreateCodec()).FrameBytes);
    }

    [Fact]
    public void AnExplicitMaximumOverridesTheDefault()
    {
        var options = new FramingOptions { Kind = FramingKind.Line, MaxFrameBytes = 100 };

        Assert.Equal(100, options.EffectiveMaxFrameBytes);
        Assert.Equal(100, options.CreateCodec().MaxFrameBytes);
    }

    public static TheoryData<string, string> InvalidSettings() => new()
    {
        { "Kind=99", "Kind" },
        { "Kind=Line;MaxFrameBytes=0", "MaxFrameBytes" },
        { "Kind=Raw;MaxFrameBytes=-1", "MaxFrameBytes" },
        { "Kind=LengthPrefixed;MaxFrameBytes=67108865", "MaxFrameBytes" },
        { "Kind=Delimiter", "Delimiter" },
        { "Kind=Delimiter;Delimiter= ", "Delimiter" },
        { "Kind=Delimiter;Delimiter=zz", "Delimiter" },
        { "Kind=Delimiter;Delimiter=7", "Delimiter" },
        { "Kind=Delimiter;Delimiter=000102030405060708090A0B0C0D0E0F10", "Delimiter" },
        { "Kind=LengthPrefixed;HeaderBytes=0", "HeaderBytes" },
        { "Kind=LengthPrefixed;HeaderBytes=3", "HeaderBytes" },
        { "Kind=LengthPrefixed;HeaderBytes=16", "HeaderBytes" },
        { "Kind=LengthPrefixed;Endianness=7", "Endianness" },
        { "Kind=LengthPrefixed;LengthOffset=-1", "LengthOffset" },
        { "Kind=LengthPrefixed;LengthOffset=1025", "LengthOffset" },
        { "Kind=LengthPrefixed;LengthAdjustment=-67108865", "LengthAdjustment" },
        { "Kind=LengthPrefixed;LengthAdjustment=67108865", "LengthAdjustment" },
        { "Kind=Fixed;FrameBytes=0", "FrameBytes" },
        { "Kind=Fixed;FrameBytes=67108865", "FrameBytes" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void ValidateNamesTheKeyOfEachInvalidSetting(string settings, string key)
    {
        var options = Parse(settings);

        var defaultPath = Assert.Single(options.Validate());
        var customPath = Assert.Single(options.Validate(Path));

        Assert.StartsWith($"Framing:{key} ", defaultPath, StringComparison.Ordinal);
        Assert.StartsWith($"{Path}:{key} ", customPath, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(options.CreateCodec);
        Assert.Contains($"Framing:{key} ", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateReportsTheBadHeaderSizeWithItsValue()
    {
        var errors = Parse("Kind=LengthPrefixed;HeaderBytes=3").Validate();

        Assert.Equal(["Framing:HeaderBytes must be 1, 2, 4 or 8 (was 3)."], errors);
    }

    [Fact]
    public void ValidateListsEveryProblemAndCreateReportsThemAll()
    {
        var options = Parse("Kind=LengthPrefixed;HeaderBytes=3;LengthOffset=-1;MaxFrameBytes=0");

        var errors = options.Validate();
        var thrown = Assert.Throws<ArgumentException>(() => FrameCodec.Create(options));

        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains(e, thrown.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Kind=Line;MaxFrameBytes=1")]
    [InlineData("Kind=Raw;MaxFrameBytes=67108864")]
    [InlineData("Kind=Delimiter;Delimiter=000102030405060708090A0B0C0D0E0F")]
    [InlineData("Kind=Delimiter;Delimiter=0x7E")]
    [InlineData("Kind=Delimiter;Delimiter=0d 0a")]
    [InlineData("Kind=LengthPrefixed;HeaderBytes=1;LengthOffset=1024;LengthAdjustment=-67108864")]
    [InlineData("Kind=LengthPrefixed;HeaderBytes=8;LengthAdjustment=67108864;Endianness=LittleEndian")]
    [InlineData("Kind=Fixed;FrameBytes=67108864")]
    [InlineData("Kind=Line;HeaderBytes=3;Delimiter=zz;FrameBytes=-1")]
    public void ValidateAcceptsBoundaryValuesAndIgnoresSettingsOfOtherKinds(string settings)
    {
        var options = Parse(settings);

        Assert.Empty(options.Validate());
        Assert.Equal(options.Kind, options.CreateCodec().Kind);
    }

    [Theory]
    [InlineData("0D0A", "0D0A")]
    [InlineData("0d 0a", "0D0A")]
    [InlineData("0x7E", "7E")]
    [InlineData("0x7E 0x7E", "7E7E")]
    public void DelimiterHexIsParsedIntoTheCodecsDelimiter(string hex, string expected)
    {
        var options = new FramingOptions { Kind = FramingKind.Delimiter, Delimiter = hex, MaxFrameBytes = 32 };

        var codec = Assert.IsType<DelimiterCodec>(options.CreateCodec());

        Assert.Equal(Bytes.Hex(expected), codec.Delimiter.ToArray());
        Assert.Equal(32, codec.MaxFrameBytes);
    }

    [Fact]
    public void LengthPrefixedOptionsReachTheCodec()
    {
        var options = Parse("Kind=LengthPrefixed;HeaderBytes=2;Endianness=LittleEndian;LengthOffset=1;LengthAdjustment=-1;LengthIncludesHeader=true;MaxFrameBytes=50");
        var codec = options.CreateCodec();
        var frame = Bytes.Concat(Bytes.Hex("FF 0600"), Bytes.Ascii("ab"));

        var decoded = FrameDecoder.DecodeBuffer(codec, new ReadOnlySequence<byte>(frame));

        Assert.IsType<LengthPrefixedCodec>(codec);
        Assert.Equal(["ab"], decoded.Texts);
        Assert.Equal(50, codec.MaxFrameBytes);
        Assert.Equal(Bytes.Concat(Bytes.Hex("00 0600"), Bytes.Ascii("ab")), Bytes.Encode(codec, "ab"));
    }

    [Theory]
    [InlineData(FramingKind.Raw, typeof(RawCodec))]
    [InlineData(FramingKind.Line, typeof(LineCodec))]
    public void EachKindBuildsItsCodec(FramingKind kind, Type type)
    {
        Assert.IsType(type, new FramingOptions { Kind = kind }.CreateCodec());
    }

    [Fact]
    public void CreateNeedsOptions()
    {
        Assert.Throws<ArgumentNullException>(() => FrameCodec.Create(null!));
    }

    [Theory]
    [InlineData("Kind=Line", "Line")]
    [InlineData("Kind=Raw", "Raw")]
    [InlineData("Kind=Delimiter;Delimiter=0D0A", "Delimiter(0D0A)")]
    [InlineData("Kind=LengthPrefixed;HeaderBytes=2;Endianness=LittleEndian", "LengthPrefixed(2, LittleEndian)")]
    [InlineData("Kind=Fixed;FrameBytes=16", "Fixed(16)")]
    public void ToStringDescribesTheFraming(string settings, string expected)
    {
        Assert.Equal(expected, Parse(settings).ToString());
    }

    /// <summary>"Key=Value;..." into options, the way configuration binding would set them.</summary>
    private static FramingOptions Parse(string settings)
    {
        var options = new FramingOptions();
        foreach (var pair in settings.Split(';'))
        {
            var (key, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var property = typeof(FramingOptions).GetProperty(key) ?? throw new ArgumentException($"No setting {key}.");
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object converted = type.IsEnum
                ? Enum.Parse(type, value)
                : type == typeof(string) ? value : Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
            property.SetValue(options, converted);
        }

        return options;
    }
}
