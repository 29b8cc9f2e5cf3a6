using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// A flood of idle, unauthenticated HTTP connections against a server process with few file
/// descriptors (the limit is per process). Before HTTP connections had a share of the descriptor budget,
/// such a flood took the last descriptors: the TCP accept failed with "Too many open files", /healthz
/// stopped answering and the runtime died with "Out of memory." Now the process stays up, health probes
/// and signed-in callers get through, devices keep their sessions and new ones are taken.
/// </summary>
public sealed class HttpConnectionFloodTests
{
    private const int DescriptorLimit = 800;
    private const int FloodConnections = 1_600;

    [Fact]
    public async Task IdleAnonymousHttpConnectionsPastTheDescriptorLimitLeaveTheServerUpAndServing()
    {
        var data = Directory.CreateTempSubdirectory("kestreltcp-httpflood-");
        var tcpPort = FreePort.Pick();
        var httpPort = FreePort.Pick();
        var output = new StringBuilder();
        using var server = StartServer(tcpPort, httpPort, data.FullName, output);
        var flood = new List<Socket>();
        TestTcpClient? device = null;
        try
        {
            device = await ConnectDeviceAsync(tcpPort, server, output);

            // The flood: connections that never send a byte, and some that stop in the middle of their
            // headers, far more than the process has descriptors.
            var partial = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n"u8.ToArray();
            for (var i = 0; i < FloodConnections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                flood.Add(socket);
                try
                {
                    using var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.ConnectAsync(IPAddress.Loopback, httpPort, connectTimeout.Token);
                    if (i % 4 == 0)
                    {
                        await socket.SendAsync(partial);
                    }
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    // The backlog is full: that is the flood doing its work.
                }
            }

            Assert.False(server.HasExited, $"The server died under the flood:\n{output}");

            // While the flood holds its connections: probes, signed-in callers and devices are served.
            Assert.Equal(HttpStatusCode.OK, await GetAsync(httpPort, "/healthz", apiKey: null));
            Assert.Equal(HttpStatusCode.OK, await GetAsync(httpPort, "/api/sessions", TestCredentials.OperatorApiKey));
            await device.SendLineAsync("still here");
            Assert.Equal("still here", await device.ReceiveLineAsync(TimeSpan.FromSeconds(15)));
            await using (var newcomer = await ConnectDeviceAsync(tcpPort, server, output))
            {
                await newcomer.SendLineAsync("new during the flood");
                Assert.Equal("new during the flood", await newcomer.ReceiveLineAsync(TimeSpan.FromSeconds(15)));
            }

            // The flood ends; the server recovers.
            foreach (var socket in flood)
            {
                socket.Dispose();
            }

            flood.Clear();
            await using (var after = await ConnectDeviceAsync(tcpPort, server, output))
            {
                await after.SendLineAsync("after");
                Assert.Equal("after", await after.ReceiveLineAsync(TimeSpan.FromSeconds(15)));
            }

            Assert.Equal(HttpStatusCode.OK, await GetAsync(httpPort, "/healthz", apiKey: null));
            Assert.False(server.HasExited, $"The server exited:\n{output}");
            lock (output)
            {
                var log = output.ToString();
                Assert.DoesNotContain("Out of memory", log, StringComparison.Ordinal);
                Assert.DoesNotContain("Too many open files", log, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var socket in flood)
            {
                socket.Dispose();
            }

            if (device is not null)
            {
                await device.DisposeAsync();
            }

            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }

            data.Delete(recursive: true);
        }
    }

    /// <summary>One request on a connection of its own, with a deadline.</summary>
    private static async Task<HttpStatusCode> GetAsync(int port, string path, string? apiKey)
    {
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static Process StartServer(int tcpPort, int httpPort, string data, StringBuilder output) =>
        LimitedServerProcess.Start(DescriptorLimit, tcpPort, httpPort, data, output, TestCredentials.Settings.ToDictionary(
            setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value));

    private static Task<TestTcpClient> ConnectDeviceAsync(int port, Process server, StringBuilder output) =>
        LimitedServerProcess.ConnectWhenServedAsync(port, server, output);
}
