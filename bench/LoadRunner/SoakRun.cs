using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LoadRunner;

/// <summary>
/// The soak (bench/soak.sh): the Release server with an Echo (line), a Monitor (length-prefixed) and a
/// Broker (line) listener, steady clients on each, connection churn, two dashboards watching sessions,
/// and an operator broadcasting and kicking through the API, for a bounded time; the server's RSS and
/// managed heap are sampled every few seconds and summarised (start, min, max, end, slope per 10 min).
/// Everything runs on 127.0.0.1 and the server is killed at the end.
/// </summary>
internal static class SoakRun
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Warmup = TimeSpan.FromMinutes(1);

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = 30.0;
        var write = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--minutes" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var m) && m > 0:
                    minutes = m;
                    i++;
                    break;
                case "--no-write":
                    write = false;
                    break;
                default:
                    Console.Error.WriteLine("usage: bench/soak.sh [--minutes N (default 30)] [--no-write]");
                    return 2;
            }
        }

        var credentials = await Credentials.GetAsync();
        var http = ChildProcess.FreePort();
        var ports = new { Echo = ChildProcess.FreePort(), Monitor = ChildProcess.FreePort(), Broker = ChildProcess.FreePort() };
        var data = Directory.CreateTempSubdirectory("kestreltcp-soak-").FullName;
        var environment = new Dictionary<string, string>(credentials.ServerEnvironment())
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{http}",
            ["KestrelTcp__DataPath"] = data,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        void Listener(string name, int port, string mode, string framing)
        {
            var prefix = $"KestrelTcp__Listeners__{name}__";
            environment[prefix + "Address"] = "127.0.0.1";
            environment[prefix + "Port"] = port.ToString(CultureInfo.InvariantCulture);
            environment[prefix + "Mode"] = mode;
            environment[prefix + "Framing__Kind"] = framing;
        }

        // "default" (from appsettings.json) becomes the Echo listener, so nothing binds 0.0.0.0:9000.
        Listener("default", ports.Echo, "Echo", "Line");
        Listener("monitor", ports.Monitor, "Monitor", "LengthPrefixed");
        Listener("broker", ports.Broker, "Broker", "Line");

        await using var server = ChildProcess.Start(null, "dotnet", [Paths.Server], environment);
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}/"), Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Add("X-Api-Key", credentials.Key);
        await server.WaitForPortAsync(http, TimeSpan.FromSeconds(60));

        var duration = TimeSpan.FromMinutes(minutes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Soak: {minutes:0.#} min, server pid {server.Id}, HTTP {http}, echo {ports.Echo}, monitor {ports.Monitor}, broker {ports.Broker}"));
        using var stop = new CancellationTokenSource(duration);
        var counters = new Counters();
        var dashboards = new List<DashboardWatcher>();
        for (var i = 0; i < 2; i++)
        {
            dashboards.Add(await DashboardWatcher.StartAsync(http, credentials.Key));
        }

        var clock = Stopwatch.StartNew();
        var samples = new List<(TimeSpan At, long Rss, long Heap)>();
        var tasks = new List<Task>();
        tasks.AddRange(Enumerable.Range(0, 20).Select(_ => Forever(() => EchoClientAsync(ports.Echo, counters, stop.Token), counters, stop.Token)));
        tasks.AddRange(Enumerable.Range(0, 10).Select(_ => Forever(() => MonitorClientAsync(ports.Monitor, counters, stop.Token), counters, stop.Token)));
        tasks.AddRange(Enumerable.Range(0, 5).Select(_ => Forever(() => BrokerClientAsync(ports.Broker, counters, stop.Token), counters, stop.Token)));
        tasks.AddRange(Enumerable.Range(0, 2).Select(_ => Forever(() => ChurnAsync(ports.Echo, counters, stop.Token), counters, stop.Token)));
        tasks.Add(Forever(() => OperatorAsync(api, counters, stop.Token), counters, stop.Token));
        tasks.Add(SampleAsync(api, server, clock, samples, counters, stop.Token));
        await Task.WhenAll(tasks);

        foreach (var dashboard in dashboards)
        {
            counters.DashboardMessages += dashboard.Messages;
            await dashboard.DisposeAsync();
        }

        var exited = server.HasExited;
        var report = Render(samples, counters, minutes, exited);
        Console.WriteLine(report);
        if (write && !exited && samples.Count > 1)
        {
            File.AppendAllText(Paths.Results, "\n" + report);
            Console.WriteLine($"Appended to {Paths.Results}");
        }

        return exited ? 1 : 0;
    }

    /// <summary>Runs a client again after it fails (a kick, a reset) until the soak ends; pauses a little between tries.</summary>
    private static async Task Forever(Func<Task> client, Counters counters, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await client();
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or HttpRequestException or EndOfStreamException)
            {
            }

            if (!stop.IsCancellationRequested)
            {
                // Closed by a kick or a reset (or ended): start again.
                Interlocked.Increment(ref counters.Reconnects);
            }

            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<NetworkStream> ConnectAsync(int port, CancellationToken stop)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), stop);
        return new NetworkStream(socket, ownsSocket: true);
    }

    private static async Task EchoClientAsync(int port, Counters counters, CancellationToken stop)
    {
        await using var stream = await ConnectAsync(port, stop);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var line = $"echo {i} {new string('x', i % 200)}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"), stop);
            var back = await reader.ReadLineAsync(stop) ?? throw new EndOfStreamException();
            if (back != line)
            {
                Interlocked.Increment(ref counters.Mismatches);
            }

            Interlocked.Increment(ref counters.Echoes);
            await Task.Delay(20, stop);
        }
    }

    private static async Task MonitorClientAsync(int port, Counters counters, CancellationToken stop)
    {
        await using var stream = await ConnectAsync(port, stop);

        // Read (and drop) the operator's broadcasts so the session's queue never fills.
        var drain = stream.CopyToAsync(Stream.Null, stop);
        var frame = new byte[4 + 512];
        for (var i = 0; !stop.IsCancellationRequested && !drain.IsCompleted; i++)
        {
            var length = 16 + (i * 37 % 496);
            BinaryPrimitives.WriteInt32BigEndian(frame, length);
            Random.Shared.NextBytes(frame.AsSpan(4, length));
            await stream.WriteAsync(frame.AsMemory(0, 4 + length), stop);
            Interlocked.Increment(ref counters.MonitorFrames);
            await Task.Delay(50, stop);
        }

        await drain;
    }

    private static async Task BrokerClientAsync(int port, Counters counters, CancellationToken stop)
    {
        await using var stream = await ConnectAsync(port, stop);
        var drain = stream.CopyToAsync(Stream.Null, stop);
        for (var i = 0; !stop.IsCancellationRequested && !drain.IsCompleted; i++)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"broker {i}\n"), stop);
            Interlocked.Increment(ref counters.BrokerFrames);
            await Task.Delay(200, stop);
        }

        await drain;
    }

    private static async Task ChurnAsync(int port, Counters counters, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await using (var stream = await ConnectAsync(port, stop))
            {
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                await stream.WriteAsync("hello\n"u8.ToArray(), stop);
                _ = await reader.ReadLineAsync(stop) ?? throw new EndOfStreamException();
            }

            Interlocked.Increment(ref counters.Churned);
            await Task.Delay(25, stop);
        }
    }

    private static async Task OperatorAsync(HttpClient api, Counters counters, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), stop);
            using (var response = await api.PostAsJsonAsync("api/listeners/monitor/broadcast", new { hex = Convert.ToHexString(Encoding.ASCII.GetBytes($"broadcast {i}")) }, stop))
            {
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref counters.Broadcasts : ref counters.ApiErrors);
            }

            if (i % 5 == 4)
            {
                // Kick one monitor client; it reconnects.
                using var page = JsonDocument.Parse(await api.GetStringAsync("api/sessions?listener=monitor&pageSize=1", stop));
                if (page.RootElement.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } session)
                {
                    using var response = await api.DeleteAsync($"api/sessions/{session.GetProperty("id").GetString()}?reason=soak", stop);
                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref counters.Kicks : ref counters.ApiErrors);
                }
            }
        }
    }

    private static async Task SampleAsync(HttpClient api, ChildProcess server, Stopwatch clock, List<(TimeSpan At, long Rss, long Heap)> samples, Counters counters, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(SampleEvery);
        try
        {
            do
            {
                if (server.HasExited)
                {
                    Console.WriteLine("The server exited during the soak.");
                    return;
                }

                using var document = JsonDocument.Parse(await api.GetStringAsync("api/server", stop));
                var sample = (clock.Elapsed, server.ResidentBytes(), document.RootElement.GetProperty("managedHeapBytes").GetInt64());
                samples.Add(sample);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {sample.Item1:hh\\:mm\\:ss}  RSS {sample.Item2 / 1048576.0,7:N1} MiB  heap {sample.Item3 / 1048576.0,7:N1} MiB  echoes {counters.Echoes,9:N0}  churned {counters.Churned,7:N0}  kicks {counters.Kicks,4}  reconnects {counters.Reconnects,5}"));
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Render(List<(TimeSpan At, long Rss, long Heap)> samples, Counters counters, double minutes, bool exited)
    {
        var commit = ChildProcess.RunAsync(null, "git", ["-C", Paths.Root, "rev-parse", "--short", "HEAD"], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult().Trim();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Soak ({DateTime.UtcNow:yyyy-MM-dd}, commit {commit}, {minutes:0.#} min)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"bench/soak.sh --minutes {minutes:0.#}: 20 echo (line) + 10 monitor (length-prefixed) + 5 broker (line) clients, 2 churn loops, 2 dashboards watching, a broadcast every 2 s and a kick every 10 s; samples every {SampleEvery.TotalSeconds:0} s.{(exited ? " **The server exited during the run.**" : string.Empty)}");
        text.AppendLine();
        text.AppendLine("| Figure | start | min | max | end | slope per 10 min (after the first minute) |");
        text.AppendLine("|---|---|---|---|---|---|");
        text.AppendLine(Row("RSS (MiB)", samples.Select(s => (s.At, s.Rss)).ToList()));
        text.AppendLine(Row("Managed heap (MiB)", samples.Select(s => (s.At, s.Heap)).ToList()));
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Traffic: {counters.Echoes:N0} echoes ({counters.Mismatches} wrong), {counters.MonitorFrames:N0} monitor frames, {counters.BrokerFrames:N0} broker frames, {counters.Churned:N0} churned connections, {counters.Broadcasts:N0} broadcasts, {counters.Kicks:N0} kicks, {counters.Reconnects:N0} reconnects, {counters.ApiErrors:N0} API errors, {counters.DashboardMessages:N0} dashboard messages.");
        return text.ToString();
    }

    private static string Row(string name, List<(TimeSpan At, long Value)> points)
    {
        if (points.Count == 0)
        {
            return $"| {name} | – | – | – | – | – |";
        }

        static string M(double bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture);

        // Least-squares slope in bytes per 10 minutes, after the first minute (JIT, pools and GC
        // budgets warm up there).
        var ys = points.Select(p => (double)p.Value).ToArray();
        var steady = points.Where(p => p.At >= Warmup).ToList();
        if (steady.Count < 2)
        {
            steady = points;
        }

        var xs = steady.Select(p => p.At.TotalMinutes / 10).ToArray();
        var sy = steady.Select(p => (double)p.Value).ToArray();
        var mx = xs.Average();
        var my = sy.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        var slope = sxx == 0 ? 0 : xs.Zip(sy).Sum(p => (p.First - mx) * (p.Second - my)) / sxx;
        return $"| {name} | {M(ys[0])} | {M(ys.Min())} | {M(ys.Max())} | {M(ys[^1])} | {(slope >= 0 ? "+" : string.Empty)}{M(slope)} |";
    }

    private sealed class Counters
    {
        public long Echoes;
        public long Mismatches;
        public long MonitorFrames;
        public long BrokerFrames;
        public long Churned;
        public long Broadcasts;
        public long Kicks;
        public long Reconnects;
        public long ApiErrors;
        public long DashboardMessages;
    }
}
