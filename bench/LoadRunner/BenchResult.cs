using System.Text.Json;

namespace LoadRunner;

/// <summary>What one `ktcp bench --json` run reported.</summary>
internal sealed record BenchResult(double FramesPerSecond, double MegabytesPerSecond, double P50Micros, double P99Micros, double P999Micros, long Errors)
{
    public static BenchResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        // ktcp bench --json: { framesPerSecond, megabytesPerSecond, latencyMs: { p50, p99, p999, … }, disconnects }
        var latency = root.GetProperty("latencyMs");
        return new BenchResult(
            root.GetProperty("framesPerSecond").GetDouble(),
            root.GetProperty("megabytesPerSecond").GetDouble(),
            latency.GetProperty("p50").GetDouble() * 1000,
            latency.GetProperty("p99").GetDouble() * 1000,
            latency.GetProperty("p999").GetDouble() * 1000,
            root.GetProperty("disconnects").GetInt64());
    }
}

/// <summary>Every round of one server in one scenario; the table shows the median round (by frames/s).</summary>
internal sealed record ServerResult(Scenario Scenario, ServerSpec Server, IReadOnlyList<BenchResult> Rounds)
{
    public BenchResult Median => Rounds.OrderBy(r => r.FramesPerSecond).ElementAt(Rounds.Count / 2);

    public double Slowest => Rounds.Min(r => r.FramesPerSecond);

    public double Fastest => Rounds.Max(r => r.FramesPerSecond);
}
