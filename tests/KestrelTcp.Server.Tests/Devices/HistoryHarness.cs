using System.Net.Http.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Devices.History;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Devices;

/// <summary>Shared steps of the device history tests: a server whose listener identifies <c>ID=…</c> lines,
/// waiting for the writer, reading the API.</summary>
internal static class HistoryHarness
{
    public const string Identify = "KestrelTcp:Listeners:default:Identify";
    public const string History = DeviceHistoryOptions.SectionName;
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Settings for a listener that identifies a session from a first line <c>ID=…</c>. The writer
    /// keeps the server's priority: on a test machine shared with other busy processes a writer at nice 10
    /// gets a sliver of a core and the tests would wait on the machine, not on the server (what the lower
    /// priority does is measured in bench/history.sh).</summary>
    public static Dictionary<string, string?> Identifying(string mode = "Monitor") => new()
    {
        ["KestrelTcp:Listeners:default:Mode"] = mode,
        [$"{Identify}:Pattern"] = "^ID=(?<id>.+)$",
        [$"{History}:WriterNice"] = "0",
    };

    public static HistoryWriter Writer(this TestServer server) => server.GetRequiredService<HistoryWriter>();

    public static HistoryQueue Queue(this TestServer server) => server.GetRequiredService<HistoryQueue>();

    /// <summary>Waits until the writer has written at least <paramref name="frames"/> frames since start.</summary>
    public static Task WaitWrittenAsync(this TestServer server, long frames) =>
        Eventually.WaitAsync(() => server.Writer().Written >= frames, Wait, $"{frames} frames written to history (written {server.Writer().Written}, dropped {server.Queue().Dropped})");

    /// <summary>Connects a device that says <c>ID={deviceId}</c> and waits until it is that device.</summary>
    public static async Task<(TestTcpClient Client, string SessionId)> ConnectDeviceAsync(this TestServer server, string deviceId)
    {
        var client = await server.ConnectAsync();
        var sessionId = await server.SessionIdOfAsync(client);
        await client.SendLineAsync("ID=" + deviceId);
        await Eventually.WaitAsync(
            () => server.GetRequiredService<SessionRegistry>().TryGet(sessionId, out var s) && s.DeviceId == deviceId,
            Wait,
            $"session {sessionId} to identify as {deviceId}");
        return (client, sessionId);
    }

    public static async Task<DeviceMessagePage> MessagesAsync(this HttpClient http, string deviceId, string query = "") =>
        (await http.GetFromJsonAsync<DeviceMessagePage>($"/api/devices/{Uri.EscapeDataString(deviceId)}/messages{query}", Json.Options).Within())!;
}
