using System.Text.RegularExpressions;
using KestrelTcp.Cli.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Cli.Tests;

/// <summary><c>ktcp connect</c> end to end: stdin lines become frames, received frames are printed with timestamps.</summary>
public sealed partial class ConnectCommandTests : IClassFixture<CliServerFixture>
{
    private readonly CliServerFixture _fixture;

    public ConnectCommandTests(CliServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task SendsEachInputLineAndPrintsRepliesWithTimestamps()
    {
        var input = new StringReader("first line\nsecond line\n");

        var result = await Ktcp.RunAsync(input, "connect", _fixture.Target("echo-line"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(ReceivedLine("first line"), lines[0]);
        Assert.Matches(ReceivedLine("second line"), lines[1]);
        Assert.Contains("Connected to", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InteractiveSessionEndsWhenTheServerKicksIt()
    {
        var (exit, input, output, error) = Ktcp.Start("connect", _fixture.Target("echo-lp4"), "--framing", "lp4", "--hex");

        input.Type("CA FE");
        await output.WaitForAsync("< CA FE");
        await _fixture.KickAllAsync("echo-lp4");
        var code = await exit.Within();

        Assert.Equal(0, code);
        Assert.Contains("Disconnected: the server closed the connection", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportsInputThatCannotBeSentAndCarriesOn()
    {
        var input = new StringReader("not hex\n41 42\n");

        var result = await Ktcp.RunAsync(input, "connect", _fixture.Target("echo-lp4"), "--framing", "lp4", "--hex");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("not sent: 'not hex' is not hex", result.Error, StringComparison.Ordinal);
        Assert.Matches(ReceivedLine("41 42"), result.Out.Trim());
    }

    [Fact]
    public async Task ARefusedConnectionExitsThree()
    {
        var result = await Ktcp.RunAsync(TextReader.Null, "connect", $"127.0.0.1:{FreePort.Pick()}");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("connection refused", result.Error, StringComparison.Ordinal);
    }

    private static Regex ReceivedLine(string payload) => new($"^\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d < {Regex.Escape(payload)}$");
}
