using KestrelTcp.Cli.Tests.Helpers;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Cli.Tests;

/// <summary><c>ktcp send</c> end to end against a real server: the exit code tells scripts what happened.</summary>
public sealed class SendCommandTests : IClassFixture<CliServerFixture>
{
    private readonly CliServerFixture _fixture;

    public SendCommandTests(CliServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ExitsZeroWhenTheExpectedReplyComes()
    {
        var result = await Ktcp.RunAsync("send", _fixture.Target("echo-line"), "PING 42", "--expect", "42");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("PING 42" + Environment.NewLine, result.Out);
    }

    [Fact]
    public async Task ExitsOneWhenNoExpectedReplyComesWithinTheTimeout()
    {
        // The default listener only records frames: nothing comes back.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await Ktcp.RunAsync("send", _fixture.Target(), "PING", "--expect", "PONG", "--timeout", "400");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("no frame containing 'PONG' arrived within 400 ms", result.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SpeaksLengthPrefixedFramingInHex()
    {
        var result = await Ktcp.RunAsync("send", _fixture.Target("echo-lp4"), "00 0A FF 7E", "--hex", "--framing", "lp4", "--expect", "FF7E");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("00 0A FF 7E" + Environment.NewLine, result.Out);
    }

    [Fact]
    public async Task WithoutExpectPrintsRepliesUntilTheServerClosesAndExitsZero()
    {
        var result = await Ktcp.RunAsync("send", _fixture.Target("echo-line"), "just this");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("just this" + Environment.NewLine, result.Out);
    }

    [Fact]
    public async Task ARefusedConnectionExitsThreeWithAClearMessage()
    {
        var result = await Ktcp.RunAsync("send", $"127.0.0.1:{FreePort.Pick()}", "hello");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("connection refused by 127.0.0.1:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsWithInsecureTalksToASelfSignedPeer()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        await using var peer = new TlsEchoPeer(certificate);

        var strict = await Ktcp.RunAsync("send", $"127.0.0.1:{peer.Port}", "hello", "--tls", "--tls-host", "localhost", "--expect", "hello");
        var insecure = await Ktcp.RunAsync("send", $"127.0.0.1:{peer.Port}", "hello", "--tls", "--insecure", "--expect", "hello");

        Assert.Equal(3, strict.ExitCode);
        Assert.Contains("TLS handshake", strict.Error, StringComparison.Ordinal);
        Assert.Contains("--insecure", strict.Error, StringComparison.Ordinal);
        Assert.True(insecure.ExitCode == 0, insecure.ToString());
        Assert.Equal("hello" + Environment.NewLine, insecure.Out);
    }
}
