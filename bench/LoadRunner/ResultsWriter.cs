using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LoadRunner;

/// <summary>Renders the load section of bench/RESULTS.md and replaces it in place (other sections stay).</summary>
internal static class ResultsWriter
{
    private const string Begin = "<!-- load:begin -->";
    private const string End = "<!-- load:end -->";

    public static string Render(List<ServerResult> results, ScaleReport? scale, RunOptions options, string[] args)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(Begin);
        text.AppendLine("## Load benchmark");
        text.AppendLine();
        text.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}.");
        text.AppendLine(inv, $"Each server pinned to CPU {LoadRun.ServerCpu} (`taskset -c {LoadRun.ServerCpu}`), the load generator `ktcp bench` pinned to CPU {LoadRun.ClientCpu}, 4-byte big-endian length-prefixed frames, {options.Duration} s per run after {options.Warmup} s warm-up (a fresh server process each run). Scenarios interleaved across servers in one run: {options.Rounds} round{(options.Rounds == 1 ? string.Empty : "s")} of every server per scenario, and each row is the server's median round (frames/s, with its latencies), with the slowest and fastest rounds beside it. Ratios are of medians, against the bare Kestrel baseline of the same run; single runs on these machines swing by ±15 %.");
        text.AppendLine();
        text.AppendLine(inv, $"Command: `bench/load.sh{(args.Length > 0 ? " " + string.Join(' ', args) : string.Empty)}`; each run is `ktcp bench 127.0.0.1:PORT --connections C --depth D --size S --duration {options.Duration} --warmup {options.Warmup} --framing lp4 --json`.");
        text.AppendLine();

        foreach (var group in results.GroupBy(r => r.Scenario))
        {
            var baseline = group.FirstOrDefault(r => r.Server.Key == ServerSpec.Bare)?.Median;
            text.AppendLine(inv, $"### {group.Key.Description}");
            text.AppendLine();
            text.AppendLine("| Server | frames/s (median) | rounds: slowest – fastest | MB/s | p50 µs | p99 µs | × bare Kestrel |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var server in group)
            {
                var result = server.Median;
                var ratio = baseline is { FramesPerSecond: > 0 } ? (result.FramesPerSecond / baseline.FramesPerSecond).ToString("0.00", inv) : "–";
                text.AppendLine(inv, $"| {server.Server.Title} | {result.FramesPerSecond:N0} | {server.Slowest:N0} – {server.Fastest:N0} | {result.MegabytesPerSecond:N1} | {result.P50Micros:N0} | {result.P99Micros:N0} | {ratio} |");
            }

            text.AppendLine();
        }

        if (scale is not null)
        {
            text.Append(scale.Render());
        }

        text.AppendLine(End);
        return text.ToString();
    }

    public static void Save(string section) => SaveSection(section, Begin, End);

    /// <summary>Replaces the text between the markers <paramref name="beginMarker"/> and <paramref name="endMarker"/>
    /// in bench/RESULTS.md with <paramref name="section"/> (which carries them), or appends it.</summary>
    public static void SaveSection(string section, string beginMarker, string endMarker)
    {
        var existing = File.Exists(Paths.Results) ? File.ReadAllText(Paths.Results) : "# Benchmark results\n\n";
        var begin = existing.IndexOf(beginMarker, StringComparison.Ordinal);
        var end = existing.IndexOf(endMarker, StringComparison.Ordinal);
        var updated = begin >= 0 && end > begin
            ? existing[..begin] + section.TrimEnd() + existing[(end + endMarker.Length)..]
            : existing.TrimEnd() + "\n\n" + section;
        File.WriteAllText(Paths.Results, updated.TrimEnd() + "\n");
    }

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        // Environment.ProcessorCount only sees the CPU this runner is pinned to; count them all.
        var cores = ChildProcess.CpuCount();
        return $"{model ?? "unknown CPU"}, {cores} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
