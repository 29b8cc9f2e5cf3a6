using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// A console that nobody reads (stdout piped to a log shipper that has stalled) must not freeze the
/// server: a flood of sessions that each log their close fills the console logger's queue, and a logger
/// that then waits would block the event-loop threads that log, and every device on them with it.
/// </summary>
public sealed class BlockedConsoleTests
{
    [Fact]
    public async Task AStalledStdoutAndALogFloodDoNotStopTheEchoes()
    {
        var tcpPort = FreePort.Pick();
        var httpPort = FreePort.Pick();
        var data = Directory.CreateTempSubdirectory("ktcp-console-").FullName;
        var errors = new StringBuilder();

        // stdout is redirected and never read: once the pipe's 64 KiB are full, every console write blocks.
        using var server = LimitedServerProcess.Start(
            20_000,
            tcpPort,
            httpPort,
            data,
            errors,
            new Dictionary<string, string?>
            {
                ["KestrelTcp__Listeners__default__Framing__MaxFrameBytes"] = "64",
                ["Logging__LogLevel__Default"] = "Information",
            },
            readStandardOutput: false);
        try
        {
            await using var device = await LimitedServerProcess.ConnectWhenServedAsync(tcpPort, server, errors);

            // Each of these sessions logs a framing violation and its close (about 300 bytes): 4,000 of
            // them are far more than the stdout pipe and the logger's 2,500-message queue hold.
            var oversize = Encoding.ASCII.GetBytes(new string('x', 200) + "\n");
            var served = 0;
            var unanswered = 0;
            for (var i = 0; i < 4000 && unanswered < 10; i++)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { LingerState = new LingerOption(true, 0) };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, tcpPort).WaitAsync(TimeSpan.FromSeconds(2));
                    await socket.SendAsync(oversize).WaitAsync(TimeSpan.FromSeconds(2));
                    var buffer = new byte[16];
                    if (await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(2)) == 0)
                    {
                        served++;
                        unanswered = 0;
                    }
                }
                catch (Exception ex) when (ex is SocketException or TimeoutException)
                {
                    // A server frozen by its log stops answering; ten in a row end the flood early.
                    unanswered++;
                }
            }

            Assert.False(server.HasExited, $"The server exited:\n{errors}");
            Assert.True(served > 3900, $"Only {served} of 4,000 framing closes were served while stdout was stalled.");

            // The device connected before the flood still gets its echoes, promptly.
            var watch = Stopwatch.StartNew();
            await device.SendLineAsync("still there?");
            Assert.Equal("still there?", await device.ReceiveLineAsync(TimeSpan.FromSeconds(5)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
