using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Sessions;

/// <summary>
/// Fan-out cut into the smallest slices (one delivery each): the sender's input is parsed a slice at a
/// time, with the thread given up in between, and nothing may be lost, duplicated or reordered on the way.
/// </summary>
public sealed class FanOutSliceTests
{
    [Fact]
    public async Task BrokerRelaysABurstInTinySlicesToEveryPeerInOrder()
    {
        const int Lines = 2_000;
        const int Peers = 3;
        var settings = Settings.Listener("chat", "Broker", "Line", ("FanOutSliceDeliveries", "1"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var peers = new List<TestTcpClient>();
        try
        {
            for (var i = 0; i < Peers; i++)
            {
                peers.Add(await server.ConnectAsync("chat"));
            }

            await using var sender = await server.ConnectAsync("chat");
            await server.WaitForSessionCountAsync(Peers + 1);

            // One write: the server reads it in a few reads of many lines each, every one cut into slices.
            var burst = new StringBuilder();
            for (var i = 0; i < Lines; i++)
            {
                burst.Append("line ").Append(i).Append('\n');
            }

            var receiving = peers.Select(peer => ReceiveLinesAsync(peer, Lines)).ToArray();
            await sender.SendAsync(burst.ToString());

            foreach (var received in await Task.WhenAll(receiving).WaitAsync(TimeSpan.FromSeconds(30)))
            {
                Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"line {i}"), received);
            }

            Assert.True(await sender.ReceivesNothingAsync(TimeSpan.FromMilliseconds(300)));
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ABrokerPeerThatStopsReadingIsClosedAsSlowConsumerWhileTheOthersGetEveryFrame()
    {
        // 8 MB of lines against a 64 KiB queue: the peer that never reads (with a small receive buffer)
        // overflows its queue; the readers, woken once per slice, never do.
        const int Lines = 80_000;
        const int LineBytes = 100;
        var settings = Settings.Listener("chat", "Broker", "Line", ("OutboundQueueBytes", "65536"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(server.TcpEndPoint("chat"));
        await using var stalledClient = new TestTcpClient(stalled);
        await using var a = await server.ConnectAsync("chat");
        await using var b = await server.ConnectAsync("chat");
        await using var sender = await server.ConnectAsync("chat");
        await server.WaitForSessionCountAsync(4);
        var registry = server.GetRequiredService<SessionRegistry>();
        var stalledId = registry.All.Single(s => s.RemoteEndPoint!.ToString() == stalled.LocalEndPoint!.ToString()).Id;

        var burst = new byte[Lines * LineBytes];
        for (var i = 0; i < Lines; i++)
        {
            burst.AsSpan(i * LineBytes, LineBytes - 1).Fill((byte)'x');
            burst[((i + 1) * LineBytes) - 1] = (byte)'\n';
        }

        var receivedByA = CountLinesAsync(a.Socket, Lines);
        var receivedByB = CountLinesAsync(b.Socket, Lines);
        var sending = sender.Socket.SendAsync(burst);

        Assert.Equal(Lines, await receivedByA.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(Lines, await receivedByB.WaitAsync(TimeSpan.FromSeconds(60)));
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        var closed = registry.RecentlyClosed();
        Assert.Equal(CloseReason.SlowConsumer, Assert.Single(closed).CloseReason);
        Assert.Equal(stalledId, closed[0].Id);
    }

    [Fact]
    public async Task BroadcastInSlicesReachesEverySession()
    {
        const int Sessions = 7;
        var settings = Settings.Listener("default", "Monitor", "Line", ("FanOutSliceDeliveries", "2"));
        await using var server = await TestServer.StartAsync(settings);
        using var http = server.CreateHttpClient();
        var clients = new List<TestTcpClient>();
        try
        {
            for (var i = 0; i < Sessions; i++)
            {
                clients.Add(await server.ConnectAsync());
            }

            await server.WaitForSessionCountAsync(Sessions);

            var response = await http.PostJsonAsync("/api/listeners/default/broadcast", new { text = "all hands" });

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(Sessions, (await response.ReadAsync<SendResponse>()).Sessions.Count);
            foreach (var client in clients)
            {
                Assert.Equal("all hands", await client.ReceiveLineAsync());
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<int> CountLinesAsync(Socket socket, int expected)
    {
        var buffer = new byte[64 * 1024];
        var lines = 0;
        while (lines < expected)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                break;
            }

            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines;
    }

    private static async Task<List<string>> ReceiveLinesAsync(TestTcpClient client, int count)
    {
        var lines = new List<string>(count);
        while (lines.Count < count)
        {
            lines.Add(await client.ReceiveLineAsync(TimeSpan.FromSeconds(20)));
        }

        return lines;
    }
}
