using System.Globalization;

namespace LoadRunner;

/// <summary>Options of <c>bench/cluster.sh</c>.</summary>
internal sealed record ClusterRunOptions(
    int SessionsPerNode,
    int BusyPerNode,
    int Probes,
    int SendTargets,
    int Concurrency,
    int SendSeconds,
    int SendWarmup,
    bool DataPath,
    HashSet<string> Scenarios,
    int Rounds,
    int Duration,
    int Warmup,
    bool Write)
{
    public static ClusterRunOptions Parse(string[] args)
    {
        var options = new ClusterRunOptions(
            SessionsPerNode: 5_000,
            BusyPerNode: 200,
            Probes: 200,
            SendTargets: 100,
            Concurrency: 32,
            SendSeconds: 10,
            SendWarmup: 3,
            DataPath: true,
            Scenarios: ["pipelined", "reqresp-100"],
            Rounds: 3,
            Duration: 8,
            Warmup: 25,
            Write: true);
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--quick" => options with { SessionsPerNode = 500, BusyPerNode = 50, Probes = 20, SendSeconds = 3, SendWarmup = 1, Rounds = 1, Duration = 3, Warmup = 2, Scenarios = ["pipelined"] },
                "--sessions" => options with { SessionsPerNode = Next() },
                "--probes" => options with { Probes = Next() },
                "--concurrency" => options with { Concurrency = Next() },
                "--send-seconds" => options with { SendSeconds = Next() },
                "--rounds" => options with { Rounds = Next() },
                "--duration" => options with { Duration = Next() },
                "--warmup" => options with { Warmup = Next() },
                "--scenarios" => options with { Scenarios = [.. args[++i].Split(',')] },
                "--no-data-path" => options with { DataPath = false },
                "--no-write" => options with { Write = false },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        if (options.SessionsPerNode < options.BusyPerNode + options.SendTargets)
        {
            throw new ArgumentException($"--sessions must be at least {options.BusyPerNode + options.SendTargets} (busy sessions plus send targets).");
        }

        return options;
    }
}
