using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadRunner;

/// <summary>
/// bench/cluster.sh: the cluster on one machine. First the single-node data path with clustering off and
/// on (the load runner's own servers and scenarios, interleaved); then three nodes a, b and c on one
/// redis-server, each holding <see cref="ClusterRunOptions.SessionsPerNode"/> sessions, for the cluster
/// view's staleness as node a's API sees sessions of b and c come and go, and for sends made through
/// node a's API to sessions on node c (routed over c's command channel) beside the same sends made on c.
/// </summary>
internal static class ClusterRun
{
    /// <summary>The payload of every send: framed by the listener as 4 length bytes and these 5.</summary>
    private const string Payload = "bench";
    private const int FrameBytes = 4 + 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = ClusterRunOptions.Parse(args);
        await using var redis = await RedisProcess.StartAsync();
        Console.WriteLine($"Cluster benchmark: redis-server on {redis.Configuration}");

        var dataPath = options.DataPath ? await DataPathAsync(redis, options) : [];
        var report = await ThreeNodesAsync(redis, options, dataPath);
        var text = report.Render(args);
        Console.WriteLine(text);
        if (options.Write)
        {
            ResultsWriter.SaveSection(text, ClusterReport.Begin, ClusterReport.End);
            Console.WriteLine($"Written to {Paths.Results}");
        }

        return 0;
    }

    /// <summary>The load runner's KestrelTcp row with clustering off and on, interleaved round by round.</summary>
    private static async Task<List<ServerResult>> DataPathAsync(RedisProcess redis, ClusterRunOptions options)
    {
        var servers = new[] { ServerSpec.All.First(s => s.Key == ServerSpec.KestrelTcp), ServerSpec.Clustered(redis.Configuration) };
        var load = new RunOptions(options.Duration, options.Warmup, options.Rounds, null, null, Scale: false, Write: false, ScaleSessions: 0);
        var rounds = new List<(Scenario Scenario, ServerSpec Server, BenchResult Result)>();
        foreach (var scenario in Scenario.All.Where(s => options.Scenarios.Contains(s.Name)))
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var server in servers)
                {
                    var result = await LoadRun.RunAsync(server, scenario, load);
                    rounds.Add((scenario, server, result));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {scenario.Name,-13} {server.Key,-19} round {round} {result.FramesPerSecond,12:N0} frames/s  p99 {result.P99Micros,8:N0} µs"));
                }
            }
        }

        return [.. rounds.GroupBy(r => (r.Scenario, r.Server)).Select(g => new ServerResult(g.Key.Scenario, g.Key.Server, [.. g.Select(r => r.Result)]))];
    }

    private static async Task<ClusterReport> ThreeNodesAsync(RedisProcess redis, ClusterRunOptions options, List<ServerResult> dataPath)
    {
        var nodes = new List<ClusterNode>();
        var sockets = new List<Socket>();
        using var stop = new CancellationTokenSource();
        try
        {
            foreach (var name in new[] { "a", "b", "c" })
            {
                nodes.Add(await ClusterNode.StartAsync(name, redis.Configuration));
            }

            var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
            var total = options.SessionsPerNode * nodes.Count;
            Console.WriteLine($"Three nodes up; opening {options.SessionsPerNode:N0} sessions on each");
            var opened = Stopwatch.StartNew();
            var held = new Dictionary<ClusterNode, List<Socket>>();
            foreach (var node in nodes)
            {
                held[node] = await node.ConnectAsync(options.SessionsPerNode);
                sockets.AddRange(held[node]);
            }

            var connectSeconds = opened.Elapsed.TotalSeconds;
            await Wait.UntilAsync(async () => await a.ClusterSessionsAsync() >= total, TimeSpan.FromSeconds(120), $"node a to list all {total:N0} sessions");
            var converged = opened.Elapsed.TotalSeconds;
            Console.WriteLine($"Node a lists all {total:N0} sessions {converged:0.0} s after the first connect (connects took {connectSeconds:0.0} s)");

            // Background traffic on part of every node's sessions, so the counters in the directory change while
            // the staleness is measured (they are refreshed at the bounded CountersInterval, not per frame).
            var busy = nodes.SelectMany(n => held[n].Take(options.BusyPerNode)).ToList();
            var background = BackgroundTrafficAsync(busy, stop.Token);

            var (appear, disappear) = await StalenessAsync(a, [b, c], options.Probes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Staleness (a sees b, c): appear p50 {Percentile(appear, 50):0} ms p99 {Percentile(appear, 99):0} ms; disappear p50 {Percentile(disappear, 50):0} ms p99 {Percentile(disappear, 99):0} ms"));

            // Sends: the first SendTargets of c's sessions read what they are sent.
            var targets = held[c].Skip(options.BusyPerNode).Take(options.SendTargets).ToList();
            var received = new long[1];
            var readers = targets.Select(s => ReadAllAsync(s, received, stop.Token)).ToList();
            var ids = new List<string>();
            foreach (var target in targets)
            {
                ids.Add(await a.FindSessionAsync(c.Name, target.LocalEndPoint!.ToString()!) ?? throw new InvalidOperationException("Node a does not list a session of node c."));
            }

            var local = await SendPhaseAsync("local (API on c → c)", c, ids, received, options);
            var routed = await SendPhaseAsync("routed (API on a → c)", a, ids, received, options);

            await stop.CancelAsync();
            await background;
            var rss = nodes.ToDictionary(n => n.Name, n => n.ResidentBytes());
            var exited = nodes.Where(n => n.HasExited).Select(n => $"node {n.Name} exited during the run:\n{n.Output}");
            return new ClusterReport(options, dataPath, total, connectSeconds, converged, appear, disappear, local, routed, rss, busy.Count, string.Join('\n', exited));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>For each probe: a session opened on one of <paramref name="owners"/>, timed from connect until
    /// <paramref name="observer"/>'s API lists it, then closed and timed until it is gone from the list.</summary>
    private static async Task<(double[] Appear, double[] Disappear)> StalenessAsync(ClusterNode observer, ClusterNode[] owners, int probes)
    {
        var appear = new List<double>();
        var disappear = new List<double>();
        var random = new Random(42);
        var poll = TimeSpan.FromMilliseconds(5);
        for (var i = 0; i < probes; i++)
        {
            var owner = owners[i % owners.Length];
            var clock = Stopwatch.StartNew();
            var probe = await owner.ConnectOneAsync();
            var endpoint = probe.LocalEndPoint!.ToString()!;
            await Wait.UntilAsync(async () => await observer.FindSessionAsync(owner.Name, endpoint) is not null, TimeSpan.FromSeconds(30), $"node {observer.Name} to list a session of {owner.Name}", poll);
            appear.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            probe.Dispose();
            await Wait.UntilAsync(async () => await observer.FindSessionAsync(owner.Name, endpoint) is null, TimeSpan.FromSeconds(30), $"node {observer.Name} to drop a closed session of {owner.Name}", poll);
            disappear.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(random.Next(10, 60));
        }

        return ([.. appear], [.. disappear]);
    }

    /// <summary>
    /// <see cref="ClusterRunOptions.Concurrency"/> callers POST single sends through <paramref name="api"/> to the
    /// sessions <paramref name="ids"/> in turn for the phase's duration (after a warm-up); then waits until
    /// the clients have received every frame the API accepted with 202.
    /// </summary>
    private static async Task<SendFigures> SendPhaseAsync(string title, ClusterNode api, List<string> ids, long[] received, ClusterRunOptions options)
    {
        var bytes = Encoding.UTF8.GetBytes($"{{\"text\":\"{Payload}\"}}");
        var before = Interlocked.Read(ref received[0]);
        long accepted = 0;
        long failed = 0;
        string? firstFailure = null;
        var latencies = new List<double>[options.Concurrency];
        var measuring = false;
        var clock = Stopwatch.StartNew();
        var warmup = TimeSpan.FromSeconds(options.SendWarmup);
        var end = warmup + TimeSpan.FromSeconds(options.SendSeconds);
        var workers = Enumerable.Range(0, options.Concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            for (var k = worker; clock.Elapsed < end; k += options.Concurrency)
            {
                var id = ids[k % ids.Count];
                using var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new("application/json");
                var started = Stopwatch.GetTimestamp();
                using var response = await api.Http.PostAsync($"api/sessions/{id}/send", content);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    firstFailure ??= $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                }

                if (Volatile.Read(ref measuring))
                {
                    mine.Add(elapsed);
                }
            }
        }).ToList();

        // Sends made during the warm-up are delivered too; only the measured window counts toward the rate.
        await Task.Delay(warmup);
        var acceptedAtStart = Interlocked.Read(ref accepted);
        var window = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.WhenAll(workers);
        var seconds = window.Elapsed.TotalSeconds;
        var measured = Interlocked.Read(ref accepted) - acceptedAtStart;

        var expected = Interlocked.Read(ref accepted) * FrameBytes;
        try
        {
            await Wait.UntilAsync(() => Task.FromResult(Interlocked.Read(ref received[0]) - before >= expected), TimeSpan.FromSeconds(30), "every accepted send to arrive");
        }
        catch (TimeoutException)
        {
            // Reported below as frames missing.
        }

        var delivered = (Interlocked.Read(ref received[0]) - before) / FrameBytes;
        var all = latencies.SelectMany(l => l).ToArray();
        var figures = new SendFigures(title, measured / seconds, Percentile(all, 50), Percentile(all, 99), Interlocked.Read(ref accepted), delivered, Interlocked.Read(ref failed), firstFailure);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sends {title}: {figures.PerSecond:N0}/s p50 {figures.P50Millis:0.00} ms p99 {figures.P99Millis:0.00} ms; accepted {figures.Accepted:N0}, delivered {figures.Delivered:N0}, failed {figures.Failed:N0} {firstFailure}"));
        return figures;
    }

    /// <summary>Counts every byte a session is sent, until the run stops or the socket closes.</summary>
    private static async Task ReadAllAsync(Socket socket, long[] received, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                Interlocked.Add(ref received[0], read);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The run is over.
        }
    }

    /// <summary>A 16-byte frame from each busy session every 100 ms.</summary>
    private static async Task BackgroundTrafficAsync(List<Socket> busy, CancellationToken cancellationToken)
    {
        var frame = new byte[4 + 12];
        frame[3] = 12;
        "background!!"u8.CopyTo(frame.AsSpan(4));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var socket in busy)
                {
                    socket.Send(frame);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    public static double Percentile(IReadOnlyCollection<double> samples, double percentile)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
