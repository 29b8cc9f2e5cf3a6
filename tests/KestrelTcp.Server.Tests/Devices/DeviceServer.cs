using KestrelTcp.Server.Devices;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Devices;

/// <summary>A test server whose default listener identifies devices by a first line <c>ID=...</c>.</summary>
internal static class DeviceServer
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static Task<TestServer> StartAsync(Dictionary<string, string?>? settings = null, string? dataPath = null, bool keepDataPath = false)
    {
        var all = new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^ID=(?<id>.+)$" };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return TestServer.StartAsync(all, dataPath: dataPath, keepDataPath: keepDataPath);
    }

    /// <summary>Waits until the registry's row of <paramref name="deviceId"/> satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<DeviceInfo> WaitForAsync(TestServer server, string deviceId, Func<DeviceInfo, bool> condition)
    {
        var store = server.GetRequiredService<DeviceRegistry>().Store;
        DeviceInfo? device = null;
        await Eventually.WaitAsync(() => (device = store.Get(deviceId)) is { } d && condition(d), Wait, $"device {deviceId} in the registry");
        return device!;
    }
}
