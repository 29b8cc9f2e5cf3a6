using System.Net;
using KestrelTcp.Server.Automation.Schedules;
using KestrelTcp.Server.Tests.Helpers;
using System.Net.Http.Json;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Automation;

/// <summary>Servers whose default listener identifies devices by a first line <c>ID=...</c> and whose
/// schedules run by a <see cref="ScheduleTestClock"/>.</summary>
internal static class ScheduleHarness
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A Wednesday, 01:59:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 12, 2, 1, 59, 0, TimeSpan.Zero);

    public static Task<TestServer> StartAsync(ScheduleTestClock clock, Dictionary<string, string?>? settings = null, string? dataPath = null, bool keepDataPath = false)
    {
        var all = new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^ID=(?<id>.+)$" };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return TestServer.StartAsync(all, clock.Register, dataPath: dataPath, keepDataPath: keepDataPath);
    }

    /// <summary>Connects a device that says <c>ID=<paramref name="id"/></c> and waits until the server knows it.</summary>
    public static async Task<TestTcpClient> ConnectDeviceAsync(TestServer server, string id, params string[] tags)
    {
        var client = await server.ConnectAsync();
        await client.SendLineAsync($"ID={id}");
        var sessions = server.GetRequiredService<KestrelTcp.Server.Sessions.SessionRegistry>();
        await Eventually.WaitAsync(() => sessions.Devices.TryGet(id, out _), Wait, $"device {id} identified");
        if (tags.Length > 0)
        {
            using var http = server.CreateHttpClient();
            await Eventually.WaitAsync(() => server.GetRequiredService<KestrelTcp.Server.Devices.DeviceRegistry>().Store.Get(id) is not null, Wait, $"device {id} registered");
            using var response = await http.PatchAsJsonAsync($"/api/devices/{id}", new { tags }, Json.Options);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return client;
    }

    public static async Task<Schedule> CreateAsync(TestServer server, object body)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.PostJsonAsync("/api/schedules", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<Schedule>();
    }

    public static Schedule Get(TestServer server, string id) => server.GetRequiredService<ScheduleStore>().Get(id)!;

    public static Task<int> RunDueAsync(TestServer server, DateTimeOffset now) => server.GetRequiredService<ScheduleRunner>().RunDueAsync(now).WaitAsync(Wait);
}
