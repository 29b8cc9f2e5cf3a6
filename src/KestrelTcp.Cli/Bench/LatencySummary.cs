using HdrHistogram;

namespace KestrelTcp.Cli.Bench;

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, double Mean, long Samples)
{
    public static LatencySummary From(HistogramBase nanoseconds)
    {
        if (nanoseconds.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }

        static double Ms(double ns) => Math.Round(ns / 1e6, 4);
        return new LatencySummary(
            Ms(nanoseconds.GetValueAtPercentile(50)),
            Ms(nanoseconds.GetValueAtPercentile(90)),
            Ms(nanoseconds.GetValueAtPercentile(99)),
            Ms(nanoseconds.GetValueAtPercentile(99.9)),
            Ms(nanoseconds.GetMaxValue()),
            Ms(nanoseconds.GetMean()),
            nanoseconds.TotalCount);
    }
}
