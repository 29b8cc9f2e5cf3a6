using System.Globalization;
using LoadRunner;

// bench/load.sh builds everything in Release and runs this. Options:
//   --quick                 short runs (3 s + 1 s warmup) to check the setup
//   --duration S --warmup S seconds per run (default 8 and 25)
//   --rounds N              runs of each scenario per server, interleaved; the median is reported (default 3)
//   --servers a,b  --scenarios x,y   subsets (keys from ServerSpec / Scenario)
//   --scale                 also run the scale measurements (idle sessions, churn, staleness)
//   --no-write              print, do not touch bench/RESULTS.md
if (args.Length > 0 && args[0] == "soak")
{
    // bench/soak.sh: mixed traffic, churn, dashboards and kicks for --minutes N; see SoakRun.
    return await SoakRun.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "history")
{
    // bench/history.sh: the device history's writer throughput and data path; see HistoryRun.
    return await HistoryRun.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "cluster")
{
    // bench/cluster.sh: three nodes on one Redis; see ClusterRun.
    return await ClusterRun.RunAsync(args[1..]);
}

var options = RunOptions.Parse(args);
var servers = ServerSpec.All.Where(s => options.Servers is null || options.Servers.Contains(s.Key)).ToList();
var scenarios = Scenario.All.Where(s => options.Scenarios is null || options.Scenarios.Contains(s.Name)).ToList();
var rounds = new List<(Scenario Scenario, ServerSpec Server, BenchResult Result)>();

Console.WriteLine($"Load benchmark: {scenarios.Count} scenarios × {servers.Count} servers × {options.Rounds} rounds, {options.Duration} s each (+{options.Warmup} s warmup)");
foreach (var scenario in scenarios)
{
    // Interleaved: every server runs each scenario back to back, round after round, so drift on the
    // machine hits all alike; the median round of each server is what the table shows.
    for (var round = 1; round <= options.Rounds; round++)
    {
        foreach (var server in servers)
        {
            var result = await LoadRun.RunAsync(server, scenario, options);
            rounds.Add((scenario, server, result));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {scenario.Name,-13} {server.Key,-17} round {round} {result.FramesPerSecond,12:N0} frames/s {result.MegabytesPerSecond,9:N1} MB/s  p50 {result.P50Micros,8:N0} µs  p99 {result.P99Micros,8:N0} µs"));
        }
    }
}

var results = rounds
    .GroupBy(r => (r.Scenario, r.Server))
    .Select(g => new ServerResult(g.Key.Scenario, g.Key.Server, [.. g.Select(r => r.Result)]))
    .ToList();

ScaleReport? scale = null;
if (options.Scale)
{
    // The load tables first, so a failure in the scale run does not lose them.
    Console.WriteLine(ResultsWriter.Render(results, null, options, args));
    scale = await ScaleRun.RunAsync(options);
}

var report = ResultsWriter.Render(results, scale, options, args);
Console.WriteLine(report);
if (options.Write)
{
    ResultsWriter.Save(report);
    Console.WriteLine($"Written to {Paths.Results}");
}

return 0;
