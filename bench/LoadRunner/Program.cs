using System.Globalization;
using LoadRunner;

// bench/load.sh builds everything in Release and runs this. Options:
//   --quick                 short runs (3 s + 1 s warmup) to check the setup
//   --duration S --warmup S seconds per run (default 10 and 10)
//   --servers a,b  --scenarios x,y   subsets (keys from ServerSpec / Scenario)
//   --scale                 also run the scale measurements (idle sessions, churn, staleness)
//   --no-write              print, do not touch bench/RESULTS.md
var options = RunOptions.Parse(args);
var servers = ServerSpec.All.Where(s => options.Servers is null || options.Servers.Contains(s.Key)).ToList();
var scenarios = Scenario.All.Where(s => options.Scenarios is null || options.Scenarios.Contains(s.Name)).ToList();
var results = new List<(Scenario Scenario, ServerSpec Server, BenchResult Result)>();

Console.WriteLine($"Load benchmark: {scenarios.Count} scenarios × {servers.Count} servers, {options.Duration} s each (+{options.Warmup} s warmup)");
foreach (var scenario in scenarios)
{
    // Interleaved: every server runs each scenario back to back, so drift on the machine hits all alike.
    foreach (var server in servers)
    {
        var result = await LoadRun.RunAsync(server, scenario, options);
        results.Add((scenario, server, result));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {scenario.Name,-13} {server.Key,-11} {result.FramesPerSecond,12:N0} frames/s {result.MegabytesPerSecond,9:N1} MB/s  p50 {result.P50Micros,8:N0} µs  p99 {result.P99Micros,8:N0} µs"));
    }
}

ScaleReport? scale = null;
if (options.Scale)
{
    scale = await ScaleRun.RunAsync(options);
}

var report = ResultsWriter.Render(results, scale, options, args);
Console.WriteLine(report);
if (options.Write)
{
    ResultsWriter.Save(report);
    Console.WriteLine($"Written to {Paths.Results}");
}
