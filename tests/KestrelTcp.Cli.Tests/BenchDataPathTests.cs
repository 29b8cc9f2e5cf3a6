using System.Text.Json;
using KestrelTcp.Cli.Bench;
using KestrelTcp.Cli.Tests.Helpers;
using KestrelTcp.Client.Tests.Helpers;

namespace KestrelTcp.Cli.Tests;

/// <summary>Bench's own data path: pipeline depth on the wire, replies cut mid-frame, lost connections,
/// large and raw frames against the real server, and the lock-free latency shards.</summary>
public sealed class BenchDataPathTests : IClassFixture<CliServerFixture>
{
    private readonly CliServerFixture _fixture;

    public BenchDataPathTests(CliServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task KeepsExactlyDepthFramesInFlightOnEveryConnection()
    {
        await using var peer = new CountingEchoPeer();

        var result = await Ktcp.RunAsync("bench", $"127.0.0.1:{peer.Port}", "--connections", "3", "--depth", "5", "--duration", "1", "--warmup", "0", "--json", "--no-progress");

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = Report(result);
        Assert.Equal(5, peer.MaxOutstanding);
        Assert.True(report.GetProperty("frames").GetInt64() > 100, result.Out);
        Assert.InRange(report.GetProperty("frames").GetInt64(), 1, peer.Echoed);
        Assert.Equal(report.GetProperty("frames").GetInt64(), report.GetProperty("latencyMs").GetProperty("samples").GetInt64());
        Assert.Equal(0, report.GetProperty("disconnects").GetInt32());
    }

    [Fact]
    public async Task CountsRepliesThatArriveCutMidFrame()
    {
        await using var peer = new CountingEchoPeer(echoChunk: 7);

        var result = await Ktcp.RunAsync("bench", $"127.0.0.1:{peer.Port}", "--connections", "2", "--depth", "16", "--size", "100", "--duration", "0.5", "--warmup", "0", "--json", "--no-progress");

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = Report(result);
        Assert.InRange(report.GetProperty("frames").GetInt64(), 1, peer.Echoed);
        Assert.Equal(0, report.GetProperty("disconnects").GetInt32());
        Assert.Equal(16, peer.MaxOutstanding);
    }

    [Fact]
    public async Task CountsEveryConnectionTheServerCloses()
    {
        await using var peer = new CountingEchoPeer(closeAfterFrames: 50);

        var result = await Ktcp.RunAsync("bench", $"127.0.0.1:{peer.Port}", "--connections", "4", "--depth", "4", "--duration", "0.5", "--warmup", "0", "--json", "--no-progress");

        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        Assert.Equal(4, peer.Closed);
        Assert.Equal(4, Report(result).GetProperty("disconnects").GetInt32());
    }

    [Fact]
    public async Task BenchesLargeFramesAgainstTheRealServer()
    {
        var result = await Ktcp.RunAsync("bench", _fixture.Target("echo-lp4"), "--connections", "2", "--depth", "4", "--size", "64k", "--duration", "1", "--warmup", "0.2", "--json", "--no-progress");

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = Report(result);
        var perSecond = report.GetProperty("framesPerSecond").GetDouble();
        Assert.True(report.GetProperty("frames").GetInt64() > 10, result.Out);
        Assert.Equal(perSecond * 65536 / 1e6, report.GetProperty("megabytesPerSecond").GetDouble(), tolerance: 0.01);
        Assert.Equal(0, report.GetProperty("disconnects").GetInt32());
    }

    [Fact]
    public async Task RawFramingCountsEverySizeBytesEchoedAsOneReply()
    {
        var result = await Ktcp.RunAsync("bench", _fixture.Target("echo-raw"), "--framing", "raw", "--connections", "2", "--depth", "8", "--size", "64", "--duration", "0.5", "--warmup", "0", "--json", "--no-progress");

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = Report(result);
        Assert.True(report.GetProperty("frames").GetInt64() > 100, result.Out);
        Assert.Equal(report.GetProperty("frames").GetInt64(), report.GetProperty("latencyMs").GetProperty("samples").GetInt64());
        Assert.Equal(0, report.GetProperty("disconnects").GetInt32());
    }

    [Fact]
    public async Task LatencyShardsLoseNothingWhileBeingDrainedDuringWrites()
    {
        const int Values = 2_000_000;
        using var recorder = new LatencyRecorder();
        recorder.StartMeasuring();
        var writing = Task.Factory.StartNew(
            () =>
            {
                var shard = recorder.Shard;
                for (var written = 0; written < Values;)
                {
                    var histogram = shard.Enter();
                    for (var i = 0; i < 7 && written < Values; i++, written++)
                    {
                        histogram.RecordValue(LatencyRecorder.ToRecorded(written % 5000));
                    }

                    shard.Exit();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var drains = 0;
        while (!writing.IsCompleted)
        {
            recorder.TakeInterval();
            drains++;
        }

        await writing.WaitAsync(Wait.Timeout);
        recorder.StopMeasuring();
        recorder.TakeInterval();

        Assert.Equal(Values, recorder.Total.TotalCount);
        Assert.True(drains > 1, $"only {drains} drains");
    }

    private static JsonElement Report(CliResult result)
    {
        using var json = JsonDocument.Parse(result.Out);
        return json.RootElement.Clone();
    }
}
