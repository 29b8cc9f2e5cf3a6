using System.Globalization;

namespace LoadRunner;

/// <summary>Command-line options of the runner.</summary>
internal sealed record RunOptions(int Duration, int Warmup, int Rounds, HashSet<string>? Servers, HashSet<string>? Scenarios, bool Scale, bool Write, int ScaleSessions)
{
    public static RunOptions Parse(string[] args)
    {
        var duration = 8;
        // Long enough for tiered compilation to settle in every .NET server. On one core it does not by
        // 10 s: code that runs a few times a second (the dashboard's SignalR and JSON pushes, timers)
        // reaches its call counts late, and the JIT was seen compiling 800 methods 10-15 s after start
        // and a few hundred more up to 25 s, on the core the server shares with it.
        var warmup = 25;
        // Each scenario runs this many times per server, interleaved; the table shows the median round.
        var rounds = 3;
        HashSet<string>? servers = null;
        HashSet<string>? scenarios = null;
        var scale = false;
        var write = true;
        var scaleSessions = 19_000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    duration = 3;
                    warmup = 1;
                    rounds = 1;
                    break;
                case "--rounds":
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    if (rounds < 1)
                    {
                        throw new ArgumentException("--rounds must be at least 1.");
                    }

                    break;
                case "--duration":
                    duration = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--servers":
                    servers = [.. args[++i].Split(',')];
                    break;
                case "--scenarios":
                    scenarios = [.. args[++i].Split(',')];
                    break;
                case "--scale":
                    scale = true;
                    break;
                case "--scale-sessions":
                    scaleSessions = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--no-write":
                    write = false;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return new RunOptions(duration, warmup, rounds, servers, scenarios, scale, write, scaleSessions);
    }
}
