using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KestrelTcp.Cli.Tests.Helpers;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Cli.Tests;

/// <summary><c>ktcp replay</c>: a recording made by a real KestrelTcp server, played into another server.</summary>
public sealed class ReplayCommandTests
{
    /// <summary>A plain TCP server (the bench): collects everything one connection sends until it closes, with the time each read came.</summary>
    private sealed class Bench : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public Bench() => _listener.Start();

        public string Target => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public async Task<List<(TimeSpan At, byte[] Bytes)>> ReceiveAllAsync()
        {
            using var socket = await _listener.AcceptSocketAsync().WaitAsync(Wait.Timeout);
            var clock = Stopwatch.StartNew();
            var reads = new List<(TimeSpan, byte[])>();
            var buffer = new byte[4096];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Wait.Timeout);
                if (read == 0)
                {
                    return reads;
                }

                reads.Add((clock.Elapsed, buffer[..read]));
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    private static string TempFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ktcp-replay-{Guid.NewGuid():N}.ktcp.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task ReplaysARecordedDevicesFramesInOrderWithTheRecordingsFraming()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Framing:Kind"] = "Delimiter",
            ["KestrelTcp:Listeners:default:Framing:Delimiter"] = "7E",
        };
        await using var server = await TestServer.StartAsync(settings);
        using var http = server.CreateHttpClient();
        await using var device = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds()[0];
        var started = await http.PostAsync($"/api/sessions/{id}/recording", null);
        var name = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString();
        await device.SendAsync("TEMP=21~");
        await http.PostAsJsonAsync($"/api/sessions/{id}/send", new { text = "ACK" });
        await device.SendAsync(new byte[] { 0x01, 0x02, 0x7E });
        await device.SendAsync("BYE~");
        var registry = server.GetRequiredService<KestrelTcp.Server.Sessions.SessionRegistry>();
        await Eventually.WaitAsync(() => registry.TryGet(id, out var s) && s.FramesIn == 3 && s.FramesOut == 1, Wait.Timeout);
        (await http.DeleteAsync($"/api/sessions/{id}/recording")).EnsureSuccessStatusCode();
        var path = TempFile(await http.GetStringAsync($"/api/recordings/{name}"));
        using var bench = new Bench();

        var receiving = bench.ReceiveAllAsync();
        var result = await Ktcp.RunAsync("replay", path, bench.Target, "--speed", "max");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("replayed 3 in frames", result.Out, StringComparison.Ordinal);
        var received = (await receiving).SelectMany(r => r.Bytes).ToArray();
        Assert.Equal([.. "TEMP=21~"u8, 0x01, 0x02, 0x7E, .. "BYE~"u8], received);
        File.Delete(path);
    }

    [Fact]
    public async Task KeepsTheRecordedPaceAtSpeedOneAndSendsTheServersFramesWithDirectionOut()
    {
        var path = TempFile("""
            {"format":"ktcp-recording","version":1,"listener":"default","framing":{"kind":"Line"},"startedAt":"2026-12-03T00:00:00Z"}
            {"t":0,"dir":"in","text":"first"}
            {"t":10,"dir":"out","text":"to the device"}
            {"t":400,"dir":"in","text":"second"}
            {"footer":true,"reason":"stopped","frames":3,"dropped":0}
            """);
        using var bench = new Bench();

        var receiving = bench.ReceiveAllAsync();
        var result = await Ktcp.RunAsync("replay", path, bench.Target);
        var reads = await receiving;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("first\nsecond\n", Encoding.UTF8.GetString([.. reads.SelectMany(r => r.Bytes)]));
        Assert.True(reads.Count >= 2, "both frames in one read: the pause was not kept");
        Assert.True(reads[^1].At - reads[0].At >= TimeSpan.FromMilliseconds(300), $"{(reads[^1].At - reads[0].At).TotalMilliseconds} ms between the frames");

        using var bench2 = new Bench();
        var outbound = bench2.ReceiveAllAsync();
        var outResult = await Ktcp.RunAsync("replay", path, bench2.Target, "--direction", "out", "--speed", "max");
        Assert.True(outResult.ExitCode == 0, outResult.ToString());
        Assert.Equal("to the device\n", Encoding.UTF8.GetString([.. (await outbound).SelectMany(r => r.Bytes)]));
        File.Delete(path);
    }

    [Theory]
    [InlineData("{\"hello\":1}\n", "format")]
    [InlineData("{\"format\":\"ktcp-recording\",\"version\":2}\n", "version")]
    [InlineData("not json\n", "not JSON")]
    public async Task AFileThatIsNotARecordingExitsTwoSayingWhy(string text, string expected)
    {
        var path = TempFile(text);

        var result = await Ktcp.RunAsync("replay", path, "127.0.0.1:1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        File.Delete(path);
    }

    [Fact]
    public async Task ABadSpeedIsAUsageError()
    {
        var path = TempFile("{\"format\":\"ktcp-recording\",\"version\":1}\n");

        var result = await Ktcp.RunAsync("replay", path, "127.0.0.1:1", "--speed", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--speed", result.Error, StringComparison.Ordinal);
        File.Delete(path);
    }
}
