using System.Globalization;
using System.Text;

namespace LoadRunner;

/// <summary>What the cluster benchmark found, as the "Cluster benchmark" section of bench/RESULTS.md.</summary>
internal sealed record ClusterReport(
    ClusterRunOptions Options,
    List<ServerResult> DataPath,
    int Sessions,
    double ConnectSeconds,
    double ConvergedSeconds,
    double[] AppearMillis,
    double[] DisappearMillis,
    SendFigures Local,
    SendFigures Routed,
    Dictionary<string, long> ResidentBytes,
    int BusySessions,
    string Notes)
{
    public const string Begin = "<!-- cluster:begin -->";
    public const string End = "<!-- cluster:end -->";

    /// <summary>Target of the issue: a session that opens or closes on one node is in every node's view within 1 s (p99).</summary>
    public const double StalenessTargetMillis = 1000;

    /// <summary>Target: the single-node data path with clustering on keeps 0.95 of its speed with clustering off.</summary>
    public const double DataPathTarget = 0.95;

    public string Render(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(Begin);
        text.AppendLine("## Cluster benchmark");
        text.AppendLine();
        text.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `bench/cluster.sh{(args.Length > 0 ? " " + string.Join(' ', args) : string.Empty)}`: one redis-server (Debian's, no persistence) and KestrelTcp nodes on this machine, loopback only. Every figure is a median or percentile of this one run.");
        text.AppendLine();
        if (DataPath.Count > 0)
        {
            text.AppendLine("### The single-node data path, clustering off and on");
            text.AppendLine();
            text.AppendLine(inv, $"The load benchmark's KestrelTcp row (Echo, history on, a dashboard watching; server on CPU {LoadRun.ServerCpu}, `ktcp bench` on CPU {LoadRun.ClientCpu}) beside the same server as a node of a cluster (`KestrelTcp:Cluster:Redis` set: directory, heartbeat, counters, command channel and the SignalR backplane all live). {Options.Rounds} interleaved round{(Options.Rounds == 1 ? string.Empty : "s")} of {Options.Duration} s after {Options.Warmup} s warm-up; medians. Target: on ≥ {DataPathTarget:0.00}× off.");
            text.AppendLine();
            text.AppendLine("| Scenario | off, frames/s | on, frames/s | on ÷ off | off p99 µs | on p99 µs | rounds (off; on) |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (var group in DataPath.GroupBy(r => r.Scenario))
            {
                var off = group.First(r => r.Server.Key == ServerSpec.KestrelTcp);
                var on = group.First(r => r.Server.Key == ServerSpec.KestrelTcpClustered);
                var ratio = on.Median.FramesPerSecond / off.Median.FramesPerSecond;
                text.AppendLine(inv, $"| {group.Key.Description} | {off.Median.FramesPerSecond:N0} | {on.Median.FramesPerSecond:N0} | **{ratio:0.00}** {(ratio >= DataPathTarget ? "✓" : "✗")} | {off.Median.P99Micros:N0} | {on.Median.P99Micros:N0} | {off.Slowest:N0}–{off.Fastest:N0}; {on.Slowest:N0}–{on.Fastest:N0} |");
            }

            text.AppendLine();
        }

        text.AppendLine("### Three nodes: one view, routed sends");
        text.AppendLine();
        text.AppendLine(inv, $"Nodes a, b and c (unpinned: the three servers, redis-server and the runner share the machine's cores), each holding {Sessions / 3:N0} idle sessions ({Sessions:N0} in all) on a Monitor listener, {BusySessions:N0} of them sending a 16-byte frame every 100 ms. Connecting all took {ConnectSeconds:0.0} s, and node a listed all {Sessions:N0} {ConvergedSeconds:0.0} s after the first connect. Resident memory at the end: {string.Join(", ", ResidentBytes.Select(r => $"{r.Key} {r.Value / 1048576.0:0} MiB"))}.");
        text.AppendLine();
        text.AppendLine(inv, $"**Staleness**: {AppearMillis.Length} probe sessions, one at a time, opened on b or c in turn; each timed from its connect until node a's `GET /api/sessions?node=…&q=…` lists it, then from its close until the list no longer does (the API polled every 5 ms, so figures include up to 5 ms and one request of polling). Target: p99 under {StalenessTargetMillis:N0} ms.");
        text.AppendLine();
        text.AppendLine("| Change seen on node a | p50 ms | p90 ms | p99 ms | max ms | target |");
        text.AppendLine("|---|---:|---:|---:|---:|---|");
        Row(text, "a session opened on b or c", AppearMillis);
        Row(text, "a session closed on b or c", DisappearMillis);
        text.AppendLine();
        text.AppendLine(inv, $"**Sends**: {Options.Concurrency} concurrent callers POST `/api/sessions/{{id}}/send` (5-byte text) to {Options.SendTargets} of c's sessions in turn for {Options.SendSeconds} s after {Options.SendWarmup} s warm-up; the rate counts 202 answers in the measured window, the latency is of each POST. Delivered = frames the clients received, counted against every 202 of the phase (warm-up included).");
        text.AppendLine();
        text.AppendLine("| Sends | per second | p50 ms | p99 ms | accepted (202) | delivered | failed |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var figures in new[] { Local, Routed })
        {
            text.AppendLine(inv, $"| {figures.Title} | {figures.PerSecond:N0} | {figures.P50Millis:0.00} | {figures.P99Millis:0.00} | {figures.Accepted:N0} | {figures.Delivered:N0} | {figures.Failed:N0} |");
        }

        text.AppendLine();
        if (Local.FirstFailure is not null || Routed.FirstFailure is not null)
        {
            text.AppendLine(inv, $"First failure: {Local.FirstFailure ?? Routed.FirstFailure}");
            text.AppendLine();
        }

        if (Notes.Length > 0)
        {
            text.AppendLine("```");
            text.AppendLine(Notes);
            text.AppendLine("```");
            text.AppendLine();
        }

        text.AppendLine(End);
        return text.ToString();
    }

    private static void Row(StringBuilder text, string title, double[] samples)
    {
        var p99 = ClusterRun.Percentile(samples, 99);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {title} | {ClusterRun.Percentile(samples, 50):0} | {ClusterRun.Percentile(samples, 90):0} | **{p99:0}** | {samples.DefaultIfEmpty(double.NaN).Max():0} | {(p99 < StalenessTargetMillis ? "✓" : "✗")} |");
    }
}
