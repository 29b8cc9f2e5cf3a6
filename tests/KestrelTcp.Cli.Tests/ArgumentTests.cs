using KestrelTcp.Cli.Arguments;
using KestrelTcp.Cli.Tests.Helpers;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Tests;

/// <summary>Help, usage errors and value parsing: no network needed.</summary>
public sealed class ArgumentTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task RootHelpListsCommandsFramingsAndExitCodes(string flag)
    {
        var result = await Ktcp.RunAsync(flag);

        Assert.Equal(0, result.ExitCode);
        foreach (var expected in new[] { "ktcp connect", "ktcp send", "ktcp bench", "delim:HEX", "fixed:N", "lp4", "--insecure", "Exit codes" })
        {
            Assert.Contains(expected, result.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("connect", "--wait")]
    [InlineData("send", "--expect")]
    [InlineData("bench", "--connections")]
    public async Task EachCommandHasItsOwnHelp(string command, string option)
    {
        var viaFlag = await Ktcp.RunAsync(command, "--help");
        var viaHelp = await Ktcp.RunAsync("help", command);

        Assert.Equal(0, viaFlag.ExitCode);
        Assert.Contains(option, viaFlag.Out, StringComparison.Ordinal);
        Assert.Equal(viaFlag.Out, viaHelp.Out);
    }

    [Theory]
    [InlineData(new string[0], "Usage")]
    [InlineData(new[] { "frobnicate" }, "Unknown command 'frobnicate'")]
    [InlineData(new[] { "send", "localhost:9000" }, "missing MESSAGE")]
    [InlineData(new[] { "send", "localhost:9000", "a", "b" }, "unexpected 'b'")]
    [InlineData(new[] { "send", "localhost", "hi" }, "Expected HOST:PORT")]
    [InlineData(new[] { "send", "localhost:99999", "hi" }, "port must be a number from 1 to 65535")]
    [InlineData(new[] { "send", "::1:9000", "hi" }, "brackets")]
    [InlineData(new[] { "send", "localhost:9000", "hi", "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "send", "localhost:9000", "hi", "--timeout" }, "--timeout needs a value")]
    [InlineData(new[] { "send", "localhost:9000", "hi", "--timeout", "soon" }, "--timeout must be milliseconds")]
    [InlineData(new[] { "send", "localhost:9000", "hi", "--framing", "lp3" }, "lp1, lp2, lp4 or lp8")]
    [InlineData(new[] { "send", "localhost:9000", "hi", "--framing", "delim:XYZ" }, "Invalid framing")]
    [InlineData(new[] { "send", "localhost:9000", "hi", "--insecure" }, "--insecure only applies with --tls")]
    [InlineData(new[] { "send", "localhost:9000", "zz", "--hex" }, "not hex")]
    [InlineData(new[] { "send", "localhost:9000", "hi", "--framing", "fixed:4" }, "exactly 4 bytes")]
    [InlineData(new[] { "bench", "localhost:9000", "--framing", "lp1", "--size", "300" }, "does not fit lp1")]
    [InlineData(new[] { "bench", "localhost:9000", "--connections", "0" }, "--connections must be a whole number from 1")]
    [InlineData(new[] { "bench", "localhost:9000", "--duration", "-1" }, "--duration must be a duration")]
    [InlineData(new[] { "bench", "localhost:9000", "--hex" }, "Unknown option '--hex'")]
    public async Task BadArgumentsExitWithTwoAndSayWhatIsWrong(string[] args, string message)
    {
        var result = await Ktcp.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task VersionPrintsTheToolVersion()
    {
        var result = await Ktcp.RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("ktcp ", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("line", FramingKind.Line, 0, ByteOrder.BigEndian)]
    [InlineData("raw", FramingKind.Raw, 0, ByteOrder.BigEndian)]
    [InlineData("lp1", FramingKind.LengthPrefixed, 1, ByteOrder.BigEndian)]
    [InlineData("lp2", FramingKind.LengthPrefixed, 2, ByteOrder.BigEndian)]
    [InlineData("LP4", FramingKind.LengthPrefixed, 4, ByteOrder.BigEndian)]
    [InlineData("lp8le", FramingKind.LengthPrefixed, 8, ByteOrder.LittleEndian)]
    [InlineData("delim:0D0A", FramingKind.Delimiter, 0, ByteOrder.BigEndian)]
    [InlineData("fixed:16", FramingKind.Fixed, 0, ByteOrder.BigEndian)]
    public void FramingSpecsBuildTheServersFramingOptions(string spec, FramingKind kind, int headerBytes, ByteOrder order)
    {
        var options = FramingSpec.Parse(spec, maxFrameBytes: null);

        Assert.Equal(kind, options.Kind);
        if (kind == FramingKind.LengthPrefixed)
        {
            Assert.Equal(headerBytes, options.HeaderBytes);
            Assert.Equal(order, options.Endianness);
        }

        Assert.Equal(spec.ToLowerInvariant(), FramingSpec.Describe(options).ToLowerInvariant());
        Assert.NotNull(options.CreateCodec());
    }

    [Fact]
    public void MaxFrameAppliesToTheCodec()
    {
        var options = FramingSpec.Parse("lp4", maxFrameBytes: 1024);

        Assert.Equal(1024, options.CreateCodec().MaxFrameBytes);
    }

    [Fact]
    public void HexPayloadsAcceptCommonSpellingsAndPrintSpaced()
    {
        byte[] hello = [0x48, 0x65, 0x6C, 0x6C, 0x6F];

        Assert.Equal(hello, PayloadFormat.Encode("48656C6C6F", hex: true));
        Assert.Equal(hello, PayloadFormat.Encode("48 65 6c 6c 6f", hex: true));
        Assert.Equal(hello, PayloadFormat.Encode("0x48:0x65-6C,6C 6F", hex: true));
        Assert.Equal("48 65 6C 6C 6F", PayloadFormat.Format(hello, hex: true));
        Assert.Throws<FormatException>(() => PayloadFormat.Encode("486", hex: true));
    }

    [Fact]
    public void TextFramesEscapeControlCharactersSoDeviceDataCannotDriveTheTerminal()
    {
        var frame = "ok\r\t\u001b[2J\\"u8.ToArray();

        Assert.Equal("ok\\r\\t\\x1B[2J\\\\", PayloadFormat.Format(frame, hex: false));
    }

    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("2.5", 2_500)]
    [InlineData("500ms", 500)]
    [InlineData("3s", 3_000)]
    [InlineData("1m", 60_000)]
    public void DurationsAreSecondsUnlessAUnitIsGiven(string text, int expectedMs)
    {
        var args = ArgumentParser.Parse(["localhost:1", "--duration", text], Bench());

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), args.Duration("--duration", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData("64", 64)]
    [InlineData("16k", 16 * 1024)]
    [InlineData("1M", 1024 * 1024)]
    [InlineData("4KiB", 4 * 1024)]
    public void SizesTakeBinarySuffixes(string text, int expected)
    {
        var args = ArgumentParser.Parse(["localhost:1", "--size", text], Bench());

        Assert.Equal(expected, args.Bytes("--size", 0, 1, int.MaxValue));
    }

    [Fact]
    public void OptionsMayComeAnywhereAndDoubleDashEndsThem()
    {
        var args = ArgumentParser.Parse(["--framing=lp4", "host:1", "--hex", "--", "-not-an-option"], Commands.SendCommand.Spec);

        Assert.Equal(["host:1", "-not-an-option"], args.Positionals);
        Assert.Equal("lp4", args.Value("--framing"));
        Assert.True(args.Has("--hex"));
    }

    private static CommandSpec Bench() => Commands.BenchCommand.Spec;
}
