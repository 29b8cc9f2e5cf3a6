using System.Text;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Protocols;
using KestrelTcp.Testing;

namespace KestrelTcp.Client.Tests;

/// <summary>Automatic reconnection with exponential backoff and jitter.</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task ReconnectsAfterTheServerRestartsOnTheSamePort()
    {
        var port = FreePort.Pick();
        var framing = new FramingOptions { Kind = FramingKind.LengthPrefixed };
        var settings = new Dictionary<string, string?>();
        TestListeners.AddListener(settings, "default", "Echo", framing, port);
        var firstDisconnect = Wait.Source<DisconnectedEventArgs>();
        var reconnecting = Wait.Source<ReconnectingEventArgs>();
        var reconnected = Wait.Source<ConnectedEventArgs>();

        await using var client = new KestrelTcpClient(new()
        {
            Framing = new FramingOptions { Kind = FramingKind.LengthPrefixed },
            Reconnect = new ReconnectOptions { Enabled = true, InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(400) },
        });
        client.Disconnected += (_, e) => firstDisconnect.TrySetResult(e);
        client.Reconnecting += (_, e) => reconnecting.TrySetResult(e);
        client.Connected += (_, e) =>
        {
            if (e.IsReconnect)
            {
                reconnected.TrySetResult(e);
            }
        };

        await using (var first = await TestServer.StartAsync(settings).Within())
        {
            await client.ConnectAsync("127.0.0.1", port).Within();
            await client.SendAsync("before").Within();
            Assert.Equal("before", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
        }

        var lost = await firstDisconnect.Task.Within();
        Assert.Equal(DisconnectReason.RemoteClosed, lost.Reason);
        Assert.True(lost.WillReconnect);
        Assert.Equal(1, (await reconnecting.Task.Within()).Attempt);

        await using var second = await TestServer.StartAsync(settings).Within();
        await reconnected.Task.Within();
        // A server that is still starting may drop the first connection it takes: the client reconnects
        // again, and sends once it is connected.
        Assert.True(client.WaitForConnected(10_000), $"not connected again: {client.State}");
        await client.SendAsync("after").Within();

        Assert.Equal("after", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task GivesUpWithReconnectFailedAfterMaxAttempts()
    {
        var peer = new RawPeer();
        var attempts = new List<int>();
        var gaveUp = Wait.Source<DisconnectedEventArgs>();
        await using var client = new KestrelTcpClient(new()
        {
            Reconnect = new ReconnectOptions { Enabled = true, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(40), MaxAttempts = 3 },
        });
        client.Reconnecting += (_, e) => { lock (attempts) { attempts.Add(e.Attempt); } };
        client.Disconnected += (_, e) =>
        {
            if (e.Reason == DisconnectReason.ReconnectFailed)
            {
                gaveUp.TrySetResult(e);
            }
        };
        await client.ConnectAsync("127.0.0.1", peer.Port).Within();
        await peer.AcceptAsync();

        // The peer goes away for good: its port refuses every attempt.
        await peer.DisposeAsync();
        var args = await gaveUp.Task.Within();

        Assert.Equal([1, 2, 3], attempts);
        Assert.IsType<System.Net.Sockets.SocketException>(args.Exception);
        Assert.Equal(ClientState.Disconnected, client.State);
        Assert.True(client.WaitForDisconnected(0));
    }

    [Fact]
    public async Task DisconnectStopsReconnecting()
    {
        var peer = new RawPeer();
        var reconnecting = Wait.Source<ReconnectingEventArgs>();
        await using var client = new KestrelTcpClient(new()
        {
            Reconnect = new ReconnectOptions { Enabled = true, InitialDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) },
        });
        client.Reconnecting += (_, e) => reconnecting.TrySetResult(e);
        await client.ConnectAsync("127.0.0.1", peer.Port).Within();
        await peer.AcceptAsync();
        await peer.DisposeAsync();
        await reconnecting.Task.Within();
        Assert.Equal(ClientState.Reconnecting, client.State);

        await client.DisconnectAsync().Within();

        Assert.Equal(ClientState.Disconnected, client.State);
    }

    [Fact]
    public void BackoffGrowsExponentiallyWithinItsJitterAndCap()
    {
        var options = new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2), Multiplier = 2, Jitter = 0.2 };
        var random = new Random(42);

        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var expected = Math.Min(100 * Math.Pow(2, attempt - 1), 2000);
            for (var sample = 0; sample < 50; sample++)
            {
                var delay = options.GetDelay(attempt, random).TotalMilliseconds;
                Assert.InRange(delay, expected * 0.8, Math.Min(expected * 1.2, 2000));
            }
        }
    }
}
