using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LoadRunner;

/// <summary>One KestrelTcp node of the benchmark's cluster: a server process with a Monitor listener
/// (4-byte length-prefixed frames), an operator API key and an HTTP client for its API.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _data;

    private ClusterNode(string name, ChildProcess process, string data, int tcpPort, int httpPort, string key)
    {
        Name = name;
        _process = process;
        _data = data;
        TcpPort = tcpPort;
        HttpPort = httpPort;
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        Http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", key);
    }

    /// <summary>Every CPU of the machine, as a taskset list.</summary>
    public static string AllCpus => $"0-{Math.Max(0, ChildProcess.CpuCount() - 1)}";

    public string Name { get; }

    public int TcpPort { get; }

    public int HttpPort { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public string Output => _process.Output;

    public static async Task<ClusterNode> StartAsync(string name, string redis, int? cpu = null)
    {
        var credentials = await Credentials.GetAsync();
        var tcpPort = ChildProcess.FreePort();
        var httpPort = ChildProcess.FreePort();
        var data = Directory.CreateTempSubdirectory($"kestreltcp-cluster-{name}-").FullName;
        var environment = new Dictionary<string, string>(credentials.ServerEnvironment())
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["KestrelTcp__DataPath"] = data,
            ["KestrelTcp__Cluster__Redis"] = redis,
            ["KestrelTcp__Cluster__NodeName"] = name,
            ["KestrelTcp__Listeners__default__Address"] = "127.0.0.1",
            ["KestrelTcp__Listeners__default__Port"] = tcpPort.ToString(CultureInfo.InvariantCulture),
            ["KestrelTcp__Listeners__default__Mode"] = "Monitor",
            ["KestrelTcp__Listeners__default__Framing__Kind"] = "LengthPrefixed",
            ["KestrelTcp__Listeners__default__MaxConnections"] = "20000",
            ["KestrelTcp__Listeners__default__IdleTimeout"] = "00:00:00",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        // Started through taskset on every core: the runner itself is pinned to one, and children inherit that.
        var process = cpu is null
            ? ChildProcess.Start(null, "taskset", ["-c", AllCpus, "dotnet", Paths.Server], environment)
            : ChildProcess.Start(cpu, "dotnet", [Paths.Server], environment);
        var node = new ClusterNode(name, process, data, tcpPort, httpPort, credentials.Key);
        try
        {
            await process.WaitForPortAsync(tcpPort, TimeSpan.FromSeconds(60));
            await process.WaitForPortAsync(httpPort, TimeSpan.FromSeconds(60));
            await Wait.UntilAsync(async () => (await node.Http.GetAsync("readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), $"node {name} to be ready");
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>Opens <paramref name="count"/> TCP sessions to this node, 500 connects at a time.</summary>
    public async Task<List<Socket>> ConnectAsync(int count)
    {
        var sockets = new List<Socket>(count);
        for (var opened = 0; opened < count;)
        {
            var batch = Math.Min(500, count - opened);
            sockets.AddRange(await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => ConnectOneAsync())));
            opened += batch;
        }

        return sockets;
    }

    public async Task<Socket> ConnectOneAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, TcpPort));
        return socket;
    }

    /// <summary>Total sessions in this node's view of the cluster (live, every node).</summary>
    public async Task<int> ClusterSessionsAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("api/sessions?pageSize=1"));
        return document.RootElement.GetProperty("total").GetInt32();
    }

    /// <summary>The id this node's view gives the session of <paramref name="owner"/> whose remote end is
    /// <paramref name="endpoint"/> (the client socket's local end), or null when it does not list it.</summary>
    public async Task<string?> FindSessionAsync(string owner, string endpoint)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync($"api/sessions?node={Uri.EscapeDataString(owner)}&q={Uri.EscapeDataString(endpoint)}&pageSize=20"));
        foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
        {
            if (item.TryGetProperty("remoteEndPoint", out var remote) && remote.GetString() == endpoint)
            {
                return item.GetProperty("id").GetString();
            }
        }

        return null;
    }

    public long ResidentBytes() => _process.ResidentBytes();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the exiting process: the temp directory is left behind.
        }
    }
}
