using System.Text.Json;
using KestrelTcp.Cli.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Cli.Tests;

/// <summary><c>ktcp bench</c> against the real server in Echo mode, for a few seconds.</summary>
public sealed class BenchCommandTests : IClassFixture<CliServerFixture>
{
    private readonly CliServerFixture _fixture;

    public BenchCommandTests(CliServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ReportsASaneJsonReportAgainstAnEchoListener()
    {
        var result = await Ktcp.RunAsync("bench", _fixture.Target("echo-lp4"), "--connections", "4", "--depth", "8", "--size", "64", "--duration", "2", "--warmup", "0.5", "--framing", "lp4", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonDocument.Parse(result.Out);
        var root = report.RootElement;
        Assert.Equal("lp4", root.GetProperty("framing").GetString());
        Assert.Equal(4, root.GetProperty("connections").GetInt32());
        Assert.Equal(8, root.GetProperty("depth").GetInt32());
        Assert.Equal(64, root.GetProperty("size").GetInt32());
        var seconds = root.GetProperty("durationSeconds").GetDouble();
        Assert.InRange(seconds, 1.95, 5.0);

        var frames = root.GetProperty("frames").GetInt64();
        var perSecond = root.GetProperty("framesPerSecond").GetDouble();
        Assert.True(frames > 1000, $"only {frames} frames");
        Assert.Equal(frames / seconds, perSecond, frames / seconds * 0.01);
        Assert.Equal(perSecond * 64 / 1e6, root.GetProperty("megabytesPerSecond").GetDouble(), tolerance: 0.01);

        var latency = root.GetProperty("latencyMs");
        var (p50, p99, p999, max) = (latency.GetProperty("p50").GetDouble(), latency.GetProperty("p99").GetDouble(), latency.GetProperty("p999").GetDouble(), latency.GetProperty("max").GetDouble());
        Assert.True(p50 > 0 && p50 <= p99 && p99 <= p999 && p999 <= max * 1.001, $"p50 {p50}, p99 {p99}, p99.9 {p999}, max {max}");
        Assert.Equal(frames, latency.GetProperty("samples").GetInt64());
        Assert.Equal(0, root.GetProperty("disconnects").GetInt32());

        // The progress line went to standard error, once a second.
        Assert.Contains("frames/s", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextReportShowsThroughputAndPercentilesWithLineFraming()
    {
        var result = await Ktcp.RunAsync("bench", _fixture.Target("echo-line"), "--connections", "2", "--depth", "4", "--size", "100", "--duration", "1", "--warmup", "1", "--framing", "line", "--no-progress");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var expected in new[] { "frames/s", "MB/s", "p50", "p99 ", "p99.9", "2 connections x depth 4" })
        {
            Assert.Contains(expected, result.Out, StringComparison.Ordinal);
        }

        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task ExitsOneWhenTheListenerDoesNotEcho()
    {
        var result = await Ktcp.RunAsync("bench", _fixture.Target(), "--connections", "1", "--duration", "0.5", "--warmup", "0", "--framing", "line", "--no-progress");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no replies were received", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitsThreeWhenConnectionsAreRefused()
    {
        var result = await Ktcp.RunAsync("bench", $"127.0.0.1:{FreePort.Pick()}", "--connections", "3", "--duration", "1");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("3 of 3 connections failed", result.Error, StringComparison.Ordinal);
    }
}
