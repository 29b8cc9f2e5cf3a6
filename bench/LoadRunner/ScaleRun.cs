using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LoadRunner;

/// <summary>
/// Idle sessions up to the file-descriptor limit (memory per session, API and dashboard still
/// responsive), dashboard staleness at 10,000 sessions, and an accept-rate churn run.
/// </summary>
internal static class ScaleRun
{
    public static async Task<ScaleReport> RunAsync(RunOptions options)
    {
        var credentials = await Credentials.GetAsync();
        var tcpPort = ChildProcess.FreePort();
        var httpPort = ChildProcess.FreePort();
        var data = Directory.CreateTempSubdirectory("kestreltcp-scale-").FullName;
        var environment = new Dictionary<string, string>(credentials.ServerEnvironment())
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["KestrelTcp__DataPath"] = data,
            ["KestrelTcp__Listeners__default__Address"] = "127.0.0.1",
            ["KestrelTcp__Listeners__default__Port"] = tcpPort.ToString(CultureInfo.InvariantCulture),
            ["KestrelTcp__Listeners__default__MaxConnections"] = "20000",
            ["KestrelTcp__Listeners__default__IdleTimeout"] = "00:00:00",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var server = ChildProcess.Start(LoadRun.ServerCpu, "dotnet", [Paths.Server], environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", credentials.Key);
        var sockets = new List<Socket>();
        try
        {
            await server.WaitForPortAsync(tcpPort, TimeSpan.FromSeconds(30));

            // Kestrel binds the TCP listener before the HTTP endpoint.
            await server.WaitForPortAsync(httpPort, TimeSpan.FromSeconds(30));
            await Eventually(async () => (await http.GetAsync("readyz")).IsSuccessStatusCode, "the server to be ready");
            var (heapBefore, rssBefore) = await MemoryAsync(http, server);

            // Idle sessions: as many as the descriptor limit leaves room for (the server needs a few hundred for itself).
            var target = options.ScaleSessions;
            Console.WriteLine($"Scale: opening {target:N0} idle sessions");
            for (var opened = 0; opened < target;)
            {
                var batch = Math.Min(500, target - opened);
                var connects = Enumerable.Range(0, batch).Select(async _ =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, tcpPort));
                    return socket;
                });
                sockets.AddRange(await Task.WhenAll(connects));
                opened += batch;
            }

            await Eventually(async () => await SessionCountAsync(http) >= target, $"{target:N0} sessions");
            var (heapAfter, rssAfter) = await MemoryAsync(http, server);

            var list = await TimeAsync(() => http.GetStringAsync("api/sessions?pageSize=50"));
            var listeners = await TimeAsync(() => http.GetStringAsync("api/listeners"));
            var snapshot = 0.0;
            await using (var dashboard = await DashboardWatcher.StartAsync(httpPort, credentials.Key, watchFirstSession: false))
            {
                snapshot = (await dashboard.WaitForSnapshotAsync(TimeSpan.FromSeconds(60))).TotalMilliseconds;
            }

            // Staleness at 10,000 sessions: close the rest, then time frame → delta at a hub client.
            const int StalenessSessions = 10_000;
            foreach (var socket in sockets.Skip(StalenessSessions))
            {
                socket.Dispose();
            }

            sockets.RemoveRange(Math.Min(StalenessSessions, sockets.Count), Math.Max(0, sockets.Count - StalenessSessions));
            await Eventually(async () => await SessionCountAsync(http) <= sockets.Count, $"{sockets.Count:N0} sessions");
            var stalenessSessions = sockets.Count;
            var staleness = await MeasureStalenessAsync(httpPort, credentials.Key, sockets);

            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            sockets.Clear();
            await Eventually(async () => await SessionCountAsync(http) == 0, "no sessions");
            var (churn, seconds) = await ChurnAsync(tcpPort);
            return new ScaleReport(target, rssBefore, rssAfter, heapBefore, heapAfter, list, listeners, snapshot, stalenessSessions, staleness, churn, seconds,
                server.HasExited ? "The server exited during the run:\n" + server.Output : string.Empty);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<double[]> MeasureStalenessAsync(int httpPort, string key, List<Socket> sockets)
    {
        await using var dashboard = await DashboardWatcher.StartAsync(httpPort, key, watchFirstSession: false);
        await dashboard.WaitForSnapshotAsync(TimeSpan.FromSeconds(60));
        var random = new Random(42);
        var samples = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var socket = sockets[random.Next(sockets.Count)];
            if (dashboard.SessionIdOf(socket.LocalEndPoint!.ToString()!) is not { } id)
            {
                continue;
            }

            var before = dashboard.FramesIn(id);
            var arrived = dashboard.WaitForFramesInAsync(id, before);
            var sentAt = dashboard.Now;
            await socket.SendAsync("ping\n"u8.ToArray());
            var seenAt = await arrived.WaitAsync(TimeSpan.FromSeconds(10));
            samples.Add((seenAt - sentAt).TotalMilliseconds);
            await Task.Delay(random.Next(5, 40));
        }

        return [.. samples];
    }

    private static async Task<(double PerSecond, double Seconds)> ChurnAsync(int port)
    {
        var duration = TimeSpan.FromSeconds(5);
        var clock = Stopwatch.StartNew();
        long count = 0;
        var workers = Enumerable.Range(0, 32).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                socket.Shutdown(SocketShutdown.Both);
                Interlocked.Increment(ref count);
            }
        });
        await Task.WhenAll(workers);
        return (count / clock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds);
    }

    private static async Task<int> SessionCountAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("api/listeners"));
        return document.RootElement.EnumerateArray().Sum(l => l.GetProperty("sessions").GetInt32());
    }

    private static async Task<(long Heap, long Rss)> MemoryAsync(HttpClient http, ChildProcess server)
    {
        // Let allocation from the connects settle into a collection first, then read the server's figures.
        await Task.Delay(TimeSpan.FromSeconds(3));
        using var document = JsonDocument.Parse(await http.GetStringAsync("api/server"));
        return (document.RootElement.GetProperty("managedHeapBytes").GetInt64(), server.ResidentBytes());
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var samples = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        return samples.Order().ElementAt(samples.Count / 2);
    }

    private static Task Eventually(Func<Task<bool>> condition, string what) => Wait.UntilAsync(condition, TimeSpan.FromSeconds(120), what);
}
