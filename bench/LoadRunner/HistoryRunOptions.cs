using System.Globalization;

namespace LoadRunner;

/// <summary>Options of <c>bench/history.sh</c>.</summary>
internal sealed record HistoryRunOptions(int Connections, int Depth, int Size, int Duration, int Warmup, int Rounds, int WriterConnections, int WriterSeconds, bool Write)
{
    public static HistoryRunOptions Parse(string[] args)
    {
        var options = new HistoryRunOptions(Connections: 100, Depth: 32, Size: 64, Duration: 8, Warmup: 12, Rounds: 2, WriterConnections: 16, WriterSeconds: 10, Write: true);
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--quick" => options with { Duration = 3, Warmup = 2, Rounds = 1, WriterSeconds = 3 },
                "--connections" => options with { Connections = Next() },
                "--depth" => options with { Depth = Next() },
                "--size" => options with { Size = Next() },
                "--duration" => options with { Duration = Next() },
                "--warmup" => options with { Warmup = Next() },
                "--rounds" => options with { Rounds = Next() },
                "--writer-seconds" => options with { WriterSeconds = Next() },
                "--no-write" => options with { Write = false },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }
}
