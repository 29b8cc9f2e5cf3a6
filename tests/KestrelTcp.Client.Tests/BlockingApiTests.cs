using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Protocols;
using KestrelTcp.Testing;

namespace KestrelTcp.Client.Tests;

/// <summary>
/// The QTcpSocket-style blocking calls: each returns within its timeout, false (or a TimeoutException where a
/// value is expected) instead of hanging. Elapsed-time bounds are generous: they catch a hang, not jitter.
/// </summary>
public sealed class BlockingApiTests : IClassFixture<EchoServerFixture>
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);
    private readonly EchoServerFixture _fixture;

    public BlockingApiTests(EchoServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task BlockingRoundTripWorksLikeQTcpSocket()
    {
        using var client = new KestrelTcpClient(new() { Framing = TestListeners.Framing("lp4") });

        var echoed = await Wait.OnOwnThread(() =>
        {
            client.ConnectToHost("127.0.0.1", _fixture.Port("lp4"));
            Assert.True(client.WaitForConnected(5000));
            client.Send("hello"u8);
            Assert.True(client.WaitForBytesWritten(5000));
            Assert.True(client.WaitForReadyRead(5000));
            Assert.Equal(1, client.FramesAvailable);
            return client.Receive(5000);
        });

        Assert.Equal("hello", Encoding.UTF8.GetString(echoed!));
    }

    [Fact]
    public async Task WaitForReadyReadReturnsFalseWithinItsTimeoutWhenNothingArrives()
    {
        using var client = await ConnectAsync("default", new FramingOptions());

        var (ready, elapsed) = await Timed(() => client.WaitForReadyRead(300));

        Assert.False(ready);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300) + Slack);
    }

    [Fact]
    public async Task ReceiveThrowsTimeoutExceptionWhenNothingArrives()
    {
        using var client = await ConnectAsync("default", new FramingOptions());

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => Wait.OnOwnThread(() => client.Receive(300)));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300) + Slack);
        Assert.False(client.TryReceive(0, out _));
    }

    [Fact]
    public async Task WaitForDisconnectedReturnsFalseWhileTheConnectionStaysUp()
    {
        using var client = await ConnectAsync("default", new FramingOptions());

        var (disconnected, elapsed) = await Timed(() => client.WaitForDisconnected(300));

        Assert.False(disconnected);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300) + Slack);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task WaitForDisconnectedReturnsTrueOnceTheClientAborts()
    {
        using var client = await ConnectAsync("default", new FramingOptions());

        client.Abort();
        var (disconnected, _) = await Timed(() => client.WaitForDisconnected(5000));

        Assert.True(disconnected);
        Assert.Equal(ClientState.Disconnected, client.State);
    }

    [Fact]
    public async Task WaitForConnectedReturnsFalseQuicklyWhenTheConnectionIsRefused()
    {
        using var client = new KestrelTcpClient();
        var port = FreePort.Pick();

        client.ConnectToHost("127.0.0.1", port);
        var (connected, elapsed) = await Timed(() => client.WaitForConnected(5000));

        Assert.False(connected);
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"took {elapsed}");
        var error = Assert.IsType<SocketException>(client.LastError);
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public async Task BlockingCallsReturnAtOnceWhenNeverConnected()
    {
        using var client = new KestrelTcpClient();

        var (results, elapsed) = await Timed(() => (
            client.WaitForConnected(5000),
            client.WaitForReadyRead(5000),
            client.WaitForBytesWritten(5000),
            client.WaitForDisconnected(5000),
            client.Receive(5000)));

        Assert.Equal((false, false, false, true, (byte[]?)null), results);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}");
        Assert.Throws<IOException>(() => client.Send("x"u8, 100));
    }

    [Fact]
    public async Task WaitForBytesWrittenReturnsFalseWhenThePeerStopsReading()
    {
        await using var peer = new RawPeer(receiveBufferSize: 4096);
        using var client = new KestrelTcpClient(new()
        {
            Framing = new FramingOptions { Kind = FramingKind.LengthPrefixed },
            MaxPendingSendBytes = 64 * 1024 * 1024,
        });
        await client.ConnectAsync("127.0.0.1", peer.Port).Within();
        await peer.AcceptAsync();
        var frame = new byte[64 * 1024];

        // Far more than the socket buffers of both ends hold, so most of it stays queued in the client.
        for (var i = 0; i < 256; i++)
        {
            await client.SendAsync(frame).Within();
        }

        var (written, elapsed) = await Timed(() => client.WaitForBytesWritten(300));

        Assert.False(written);
        Assert.True(client.BytesToWrite > 0);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300) + Slack);
    }

    [Fact]
    public async Task SendThrowsTimeoutExceptionWhenThePendingLimitStaysFull()
    {
        await using var peer = new RawPeer(receiveBufferSize: 4096);
        using var client = new KestrelTcpClient(new()
        {
            Framing = new FramingOptions { Kind = FramingKind.LengthPrefixed },
            MaxPendingSendBytes = 256 * 1024,
        });
        await client.ConnectAsync("127.0.0.1", peer.Port).Within();
        await peer.AcceptAsync();
        var frame = new byte[32 * 1024];

        var outcome = await Wait.OnOwnThread(() =>
        {
            // Fill the socket buffers and then the client's own limit; one send must then time out.
            for (var i = 0; i < 2000; i++)
            {
                try
                {
                    client.Send(frame, 300);
                }
                catch (TimeoutException)
                {
                    return i;
                }
            }

            return -1;
        });

        Assert.True(outcome > 0, "a send should have timed out once the peer stopped reading");
    }

    [Fact]
    public async Task ConnectTimesOutWhenTheTlsHandshakeNeverCompletes()
    {
        // A peer that accepts TCP but never answers the ClientHello.
        await using var peer = new RawPeer();
        using var client = new KestrelTcpClient(new()
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            Tls = new ClientTlsOptions { AllowUntrustedCertificate = true },
        });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.ConnectAsync("127.0.0.1", peer.Port)).Within();

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300) + Slack);
        Assert.Equal(ClientState.Disconnected, client.State);
    }

    private async Task<KestrelTcpClient> ConnectAsync(string listener, FramingOptions framing) =>
        await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port(listener), new() { Framing = framing }).Within();

    private static async Task<(T Result, TimeSpan Elapsed)> Timed<T>(Func<T> blockingCall)
    {
        var watch = Stopwatch.StartNew();
        var result = await Wait.OnOwnThread(blockingCall);
        return (result, watch.Elapsed);
    }
}
