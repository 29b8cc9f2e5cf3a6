using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace LoadRunner;

/// <summary>A KestrelTcp server for the history benchmark, pinned to the server CPU: one listener of 4-byte
/// length-prefixed frames that identifies a session from a first frame <c>ID=…</c> (or not at all).</summary>
internal sealed class HistoryServer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _data;

    private HistoryServer(ChildProcess process, string data, int port, HttpClient http)
    {
        _process = process;
        _data = data;
        Port = port;
        Http = http;
    }

    public int Port { get; }

    public HttpClient Http { get; }

    public static async Task<HistoryServer> StartAsync(string mode, bool identify)
    {
        var credentials = await Credentials.GetAsync();
        var port = ChildProcess.FreePort();
        var httpPort = ChildProcess.FreePort();
        var data = Directory.CreateTempSubdirectory("kestreltcp-history-").FullName;
        var environment = new Dictionary<string, string>(credentials.ServerEnvironment())
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["KestrelTcp__DataPath"] = data,
            ["KestrelTcp__Listeners__default__Address"] = "127.0.0.1",
            ["KestrelTcp__Listeners__default__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["KestrelTcp__Listeners__default__Mode"] = mode,
            ["KestrelTcp__Listeners__default__Framing__Kind"] = "LengthPrefixed",
            ["KestrelTcp__Listeners__default__MaxConnections"] = "20000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (identify)
        {
            environment["KestrelTcp__Listeners__default__Identify__Pattern"] = "^ID=(?<id>.+)$";
        }

        var process = ChildProcess.Start(LoadRun.ServerCpu, "dotnet", [Paths.Server], environment);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        await process.WaitForPortAsync(httpPort, TimeSpan.FromSeconds(30));
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", credentials.Key);
        return new HistoryServer(process, data, port, http);
    }

    /// <summary>The history figures of <c>GET /api/server</c>: frames written and dropped since start.</summary>
    public async Task<(long Written, long Dropped, long Queued)> HistoryAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("api/server"));
        var root = document.RootElement;
        return (root.GetProperty("historyFramesWritten").GetInt64(), root.GetProperty("historyFramesDropped").GetInt64(), root.GetProperty("historyFramesQueued").GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
