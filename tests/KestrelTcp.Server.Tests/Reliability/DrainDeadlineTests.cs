using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue 11, item 9: the drain took 20.1 s with DrainTimeout 20 s. Shutdown, stragglers aborted
/// included, ends within DrainTimeout. The margin is for the test's own scheduling on a busy machine,
/// not part of the promise; these are behaviour bounds, not speed benchmarks.
/// </summary>
public sealed class DrainDeadlineTests
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    // Room for a busy CI machine (the stop measured 0.9-1.0 s alone, 1.5 s with both cores loaded); the
    // failure this guards against, an HTTP straggler holding the stop, took 6 s.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>Sessions that can never drain (clients with a tiny receive window that never read,
    /// with far more queued than the loopback buffers hold), on the event-loop transport or on
    /// Kestrel's socket transport, and optionally an HTTP request stuck in its headers, which Kestrel
    /// used to wait for until its own timeout (DrainTimeout + 5 s).</summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task StopEndsWithinTheDrainTimeoutWhateverStillHangs(bool inlineScheduling, bool httpStraggler)
    {
        var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:DrainTimeout"] = DrainTimeout.ToString(),
            ["KestrelTcp:Listeners:default:InlineScheduling"] = inlineScheduling ? "true" : "false",
            ["KestrelTcp:Listeners:default:Framing:MaxFrameBytes"] = "65536",
            ["KestrelTcp:Listeners:default:OutboundQueueBytes"] = (64 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        });
        var stopped = false;
        var sockets = new List<Socket>();
        try
        {
            var registry = server.GetRequiredService<SessionRegistry>();
            for (var i = 0; i < 3; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                sockets.Add(socket);
                await socket.ConnectAsync(server.TcpEndPoint()).WaitAsync(TimeSpan.FromSeconds(10));
            }

            await server.WaitForSessionCountAsync(sockets.Count);
            var payload = new byte[64 * 1024];
            payload.AsSpan().Fill((byte)'x');
            foreach (var session in registry.All)
            {
                for (var i = 0; i < 256; i++)
                {
                    Assert.Equal(SendResult.Queued, session.Enqueue(payload));
                }
            }

            // 16 MiB per session cannot reach a client that reads nothing through a 4 KiB receive buffer:
            // whether it waits in the session's queue or in the transport's pipe (the writer may take it
            // all in one batch), none of these sessions can finish by itself.
            Assert.All(registry.All, s => Assert.True(s.QueuedBytes + s.BytesOut >= 256L * payload.Length && !s.IsClosed, $"{s.Id}: {s.QueuedBytes} queued, {s.BytesOut} out, closed: {s.IsClosed}"));

            if (httpStraggler)
            {
                var http = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(http);
                await http.ConnectAsync(IPAddress.Loopback, server.HttpAddress.Port).WaitAsync(TimeSpan.FromSeconds(10));
                await http.SendAsync("GET /healthz HTTP/1.1\r\nHost: localhost\r\n"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(10));
            }

            var clock = Stopwatch.StartNew();
            await server.StopAsync();
            stopped = true;
            clock.Stop();

            Assert.True(clock.Elapsed <= DrainTimeout + Margin, $"Stopping took {clock.Elapsed.TotalMilliseconds:F0} ms with DrainTimeout {DrainTimeout.TotalMilliseconds:F0} ms.");
            Assert.Equal(0, registry.Count);
            Assert.Equal(3, registry.RecentlyClosed().Length);
            Assert.All(registry.RecentlyClosed(), s => Assert.Equal(CloseReason.ServerShutdown, s.CloseReason));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            if (!stopped)
            {
                await server.StopAsync();
            }

            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheHostsShutdownTimeoutEndsInsideTheDrainTimeout()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:DrainTimeout"] = "00:00:20" });

        var shutdown = server.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        Assert.InRange(shutdown, TimeSpan.FromSeconds(18), TimeSpan.FromSeconds(20) - SessionDrainService.AbortReserve(TimeSpan.FromSeconds(20)));
    }

    [Theory]
    [InlineData(20_000, 1_000)]
    [InlineData(1_000, 100)]
    [InlineData(100, 10)]
    public void TheAbortReserveIsATenthOfTheDrainAtMostOneSecond(int drainMilliseconds, int reserveMilliseconds)
    {
        var drain = TimeSpan.FromMilliseconds(drainMilliseconds);

        Assert.Equal(TimeSpan.FromMilliseconds(reserveMilliseconds), SessionDrainService.AbortReserve(drain));
        Assert.Equal(drain, SessionDrainService.GracefulPart(drain) + SessionDrainService.AbortReserve(drain));
    }
}
