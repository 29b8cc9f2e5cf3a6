using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LoadRunner;

/// <summary>
/// bench/history.sh: the durable device history. First the writer's sustained throughput: identified
/// devices flood a Monitor listener and <c>/api/server</c> says how many frames per second reach SQLite (and
/// how many the bounded queue drops when the writer cannot keep up). Then the echo data path of identified
/// devices with history on, beside unidentified sessions on the same server and a server that does not
/// identify at all; interleaved rounds, the same client for all.
/// </summary>
internal static class HistoryRun
{
    public const string Begin = "<!-- history:begin -->";
    public const string End = "<!-- history:end -->";

    private static readonly (string Title, bool ServerIdentifies, bool Identify)[] Arms =
    [
        ("identified devices, history on", true, true),
        ("unidentified sessions, same server", true, false),
        ("no Identify on the listener (history off)", false, false),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = HistoryRunOptions.Parse(args);
        Console.WriteLine($"History benchmark: writer {options.WriterSeconds} s, then {Arms.Length} arms × {options.Rounds} rounds of {options.Duration} s (+{options.Warmup} s warmup)");
        var writer = await WriterAsync(options);
        var echo = new Dictionary<string, List<(double FramesPerSecond, long Written, long Dropped)>>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var arm in Arms)
            {
                var result = await EchoAsync(arm.ServerIdentifies, arm.Identify, options);
                (echo.TryGetValue(arm.Title, out var list) ? list : echo[arm.Title] = []).Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {arm.Title,-44} round {round} {result.FramesPerSecond,12:N0} frames/s  history written {result.Written:N0} dropped {result.Dropped:N0}"));
            }
        }

        var text = Render(options, writer, echo, args);
        Console.WriteLine(text);
        if (options.Write)
        {
            ResultsWriter.SaveSection(text, Begin, End);
            Console.WriteLine($"Written to {Paths.Results}");
        }

        return 0;
    }

    /// <summary>
    /// The writer's rate two ways, on a Monitor listener of identified devices. Capacity: bursts of 60,000
    /// frames (inside the queue's 65,536, so none is dropped), each written out before the next is sent, for
    /// the window: the writer then has the core but for the reads of the bursts. Flood: the devices send as
    /// fast as the server reads, so the data path wants the whole core and the writer (at the lowest
    /// priority) gets what it leaves; the queue drops the rest.
    /// </summary>
    private static async Task<WriterFigures> WriterAsync(HistoryRunOptions options)
    {
        await using var server = await HistoryServer.StartAsync("Monitor", identify: true);
        var sockets = await HistoryClient.ConnectAsync(server.Port, options.WriterConnections, identify: true, serverEchoesHello: 0);
        try
        {
            // Capacity: burst, wait until written, again.
            const int Burst = 60_000;
            var perSocket = Burst / sockets.Count;
            var frame = HistoryClient.Frame(Enumerable.Repeat((byte)'t', options.Size).ToArray());
            var block = new byte[frame.Length * perSocket];
            for (var i = 0; i < perSocket; i++)
            {
                frame.CopyTo(block, i * frame.Length);
            }

            var start = await server.HistoryAsync();
            var expected = start.Written;
            var clock = Stopwatch.StartNew();
            var bursts = 0;
            while (clock.Elapsed.TotalSeconds < options.WriterSeconds)
            {
                await Task.WhenAll(sockets.Select(s => s.SendAsync(block.AsMemory(), SocketFlags.None).AsTask()));
                expected += (long)perSocket * sockets.Count;
                await Wait.UntilAsync(async () => (await server.HistoryAsync()).Written >= expected, TimeSpan.FromSeconds(120), "a burst to be written", TimeSpan.FromMilliseconds(10));
                bursts++;
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var end = await server.HistoryAsync();
            var capacity = (end.Written - start.Written) / seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Writer capacity: {capacity:N0} frames/s ({bursts} bursts, {end.Dropped - start.Dropped:N0} dropped)"));

            // Flood.
            using var stop = new CancellationTokenSource();
            var floods = sockets.Select(s => HistoryClient.FloodAsync(s, 64, options.Size, stop.Token)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var before = await server.HistoryAsync();
            clock.Restart();
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(2, options.WriterSeconds / 2)));
            var after = await server.HistoryAsync();
            seconds = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await Task.WhenAll(floods);
            var drain = Stopwatch.StartNew();
            await Wait.UntilAsync(async () => (await server.HistoryAsync()).Queued == 0, TimeSpan.FromSeconds(120), "the history queue to drain");
            var written = (after.Written - before.Written) / seconds;
            var dropped = (after.Dropped - before.Dropped) / seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Writer under a flood: {written:N0} frames/s written, {dropped:N0} frames/s dropped, queue drained in {drain.Elapsed.TotalSeconds:0.0} s"));
            return new WriterFigures(capacity, bursts, written + dropped, written, dropped, drain.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task<(double FramesPerSecond, long Written, long Dropped)> EchoAsync(bool serverIdentifies, bool identify, HistoryRunOptions options)
    {
        await using var server = await HistoryServer.StartAsync("Echo", serverIdentifies);
        var sockets = await HistoryClient.ConnectAsync(server.Port, options.Connections, identify, serverEchoesHello: 1);
        using var stop = new CancellationTokenSource();
        var counted = new long[1];
        var measuring = new int[1];
        var loops = sockets.Select(s => HistoryClient.EchoAsync(s, options.Depth, options.Size, counted, measuring, stop.Token)).ToList();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.Warmup));
            var before = serverIdentifies ? await server.HistoryAsync() : default;
            Volatile.Write(ref measuring[0], 1);
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(options.Duration));
            Volatile.Write(ref measuring[0], 0);
            var seconds = clock.Elapsed.TotalSeconds;
            var frames = Interlocked.Read(ref counted[0]);
            var after = serverIdentifies ? await server.HistoryAsync() : default;
            return (frames / seconds, after.Written - before.Written, after.Dropped - before.Dropped);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var socket in sockets)
            {
                socket.Shutdown(SocketShutdown.Both);
                socket.Dispose();
            }

            await Task.WhenAll(loops);
        }
    }

    private static string Render(HistoryRunOptions options, WriterFigures writer, Dictionary<string, List<(double FramesPerSecond, long Written, long Dropped)>> echo, string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(Begin);
        text.AppendLine("## Device history benchmark");
        text.AppendLine();
        text.AppendLine(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `bench/history.sh{(args.Length > 0 ? " " + string.Join(' ', args) : string.Empty)}` on {ChildProcess.CpuCount()} cores: the server pinned to CPU {LoadRun.ServerCpu} (its SQLite writer thread shares that core with the event loop), the runner and its client on CPU {LoadRun.ClientCpu}. 4-byte length-prefixed frames of {options.Size} bytes; `history.db` on the temp folder's disk, WAL, `synchronous=NORMAL`, default queue bounds (65,536 frames, 64 MiB).");
        text.AppendLine();
        text.AppendLine(inv, $"**Writer throughput**, {options.WriterConnections} identified devices on a Monitor listener, rates from `/api/server` (`historyFramesWritten`, `historyFramesDropped`). *Capacity*: bursts of 60,000 {options.Size}-byte frames (inside the 65,536-frame queue: nothing dropped), each written to SQLite before the next is sent, for {options.WriterSeconds} s — the writer has the core but for the reads of the bursts. *Flood*: the devices send as fast as the server reads for {Math.Max(2, options.WriterSeconds / 2)} s — the data path wants the whole core, the writer thread (nice 10, `WriterNice`) gets a share of what the fair scheduler gives it, the queue drops the rest.");
        text.AppendLine();
        text.AppendLine("| Load | frames/s offered to history | frames/s written to SQLite | frames/s dropped | after the devices stopped |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        text.AppendLine(inv, $"| capacity ({writer.Bursts} bursts of 60,000) | – | **{writer.Capacity:N0}** | 0 | – |");
        text.AppendLine(inv, $"| flood | {writer.Offered:N0} | {writer.Written:N0} | {writer.Dropped:N0} | queue drained in {writer.DrainSeconds:0.0} s |");
        text.AppendLine();
        text.AppendLine(inv, $"**Echo data path**: {options.Connections} connections × depth {options.Depth} (a block of {options.Depth} frames, then all their echoes), each connection's first frame `ID=devNNNNN` (identified) or `HELLO NNNNN` (not); {options.Rounds} interleaved round{(options.Rounds == 1 ? string.Empty : "s")} of {options.Duration} s after {options.Warmup} s warm-up, a fresh server each; the median (of two: the mean) round. The client is the runner's own (the same for every arm), so only the ratios mean much.");
        text.AppendLine();
        text.AppendLine("| Sessions | frames/s echoed | rounds | × unidentified | history written / dropped in the window |");
        text.AppendLine("|---|---:|---|---:|---|");
        var baseline = Median(echo[Arms[1].Title].Select(r => r.FramesPerSecond).ToList());
        foreach (var (title, rounds) in echo)
        {
            var median = Median(rounds.Select(r => r.FramesPerSecond).ToList());
            var history = title == Arms[0].Title ? $"{rounds.Sum(r => r.Written):N0} / {rounds.Sum(r => r.Dropped):N0}" : "–";
            text.AppendLine(inv, $"| {title} | {median:N0} | {string.Join(", ", rounds.Select(r => r.FramesPerSecond.ToString("N0", inv)))} | {median / baseline:0.00} | {history} |");
        }

        text.AppendLine();
        text.AppendLine(End);
        return text.ToString();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}

/// <summary>What the writer phase measured.</summary>
internal sealed record WriterFigures(double Capacity, int Bursts, double Offered, double Written, double Dropped, double DrainSeconds);
