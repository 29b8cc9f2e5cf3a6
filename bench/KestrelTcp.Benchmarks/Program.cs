using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

// Runs the micro benchmarks chosen on the command line (BenchmarkDotNet's own options, such as
// --filter '*'). --quick swaps the default job for a short one so that a full run takes minutes.
var quick = args.Contains("--quick");
var config = DefaultConfig.Instance;
if (quick)
{
    config = config.AddJob(Job.ShortRun
        .WithWarmupCount(2)
        .WithIterationCount(5)
        .WithIterationTime(TimeInterval.FromMilliseconds(150))
        .WithId("Quick"));
}

BenchmarkSwitcher.FromAssembly(typeof(KestrelTcp.Benchmarks.SessionPathBenchmarks).Assembly).Run(args.Where(a => a != "--quick").ToArray(), config);
