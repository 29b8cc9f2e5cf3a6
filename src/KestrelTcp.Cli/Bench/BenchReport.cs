using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KestrelTcp.Cli.Bench;

/// <summary>The result of a bench run: throughput over the measured window and latency percentiles.</summary>
internal sealed record BenchReport(
    string Target,
    string Framing,
    int Connections,
    int Depth,
    int Size,
    TimeSpan Warmup,
    TimeSpan Measured,
    long Frames,
    int Disconnects,
    string? LastDisconnect,
    bool Interrupted,
    LatencySummary Latency)
{
    /// <summary>Replies received per second.</summary>
    public double FramesPerSecond => Measured > TimeSpan.Zero ? Frames / Measured.TotalSeconds : 0;

    /// <summary>Payload bytes received per second, in MB (10^6 bytes).</summary>
    public double MegabytesPerSecond => FramesPerSecond * Size / 1e6;

    public string ToText()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"ktcp bench {Target}: {Framing}, {Connections} connections x depth {Depth}, {Size}-byte frames, {Measured.TotalSeconds:0.0} s measured after {Warmup.TotalSeconds:0.0} s warmup{(Interrupted ? " (interrupted)" : string.Empty)}");
        text.AppendLine(c, $"  frames/s   {FramesPerSecond,14:N0}");
        text.AppendLine(c, $"  MB/s       {MegabytesPerSecond,14:N1}   (payload received, 10^6 bytes)");
        text.AppendLine(c, $"  frames     {Frames,14:N0}   replies in the measured window");
        text.AppendLine(c, $"  latency    p50 {Latency.P50:0.000} ms   p99 {Latency.P99:0.000} ms   p99.9 {Latency.P999:0.000} ms   max {Latency.Max:0.000} ms   mean {Latency.Mean:0.000} ms");
        if (Disconnects > 0)
        {
            text.AppendLine(c, $"  lost       {Disconnects} connection(s); last: {LastDisconnect}");
        }

        return text.ToString();
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("target", Target);
            json.WriteString("framing", Framing);
            json.WriteNumber("connections", Connections);
            json.WriteNumber("depth", Depth);
            json.WriteNumber("size", Size);
            json.WriteNumber("warmupSeconds", Math.Round(Warmup.TotalSeconds, 3));
            json.WriteNumber("durationSeconds", Math.Round(Measured.TotalSeconds, 3));
            json.WriteNumber("frames", Frames);
            json.WriteNumber("framesPerSecond", Math.Round(FramesPerSecond, 1));
            json.WriteNumber("megabytesPerSecond", Math.Round(MegabytesPerSecond, 3));
            json.WriteStartObject("latencyMs");
            json.WriteNumber("p50", Latency.P50);
            json.WriteNumber("p90", Latency.P90);
            json.WriteNumber("p99", Latency.P99);
            json.WriteNumber("p999", Latency.P999);
            json.WriteNumber("max", Latency.Max);
            json.WriteNumber("mean", Latency.Mean);
            json.WriteNumber("samples", Latency.Samples);
            json.WriteEndObject();
            json.WriteNumber("disconnects", Disconnects);
            json.WriteBoolean("interrupted", Interrupted);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
