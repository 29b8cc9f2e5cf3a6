using System.Net.Sockets;
using System.Text;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Protocols;
using KestrelTcp.Testing;

namespace KestrelTcp.Client.Tests;

/// <summary>The signal-style surface: Connected, FrameReceived and Disconnected with an honest reason.</summary>
public sealed class EventTests : IClassFixture<EchoServerFixture>
{
    private readonly EchoServerFixture _fixture;

    public EventTests(EchoServerFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task RaisesConnectedThenFrameReceivedThenDisconnectedWithLocalClose()
    {
        var order = new List<string>();
        var received = Wait.Source<string>();
        var disconnected = Wait.Source<DisconnectedEventArgs>();
        await using var client = new KestrelTcpClient(new() { Framing = TestListeners.Framing("lp4") });
        client.Connected += (_, e) => { lock (order) { order.Add($"connected reconnect={e.IsReconnect}"); } };
        client.FrameReceived += (_, e) => { lock (order) { order.Add("frame"); } received.TrySetResult(e.GetText()); };
        client.Disconnected += (_, e) => { lock (order) { order.Add("disconnected"); } disconnected.TrySetResult(e); };

        await client.ConnectAsync("127.0.0.1", _fixture.Port("lp4")).Within();
        await client.SendAsync("ping").Within();
        Assert.Equal("ping", await received.Task.Within());
        await client.DisconnectAsync().Within();
        var args = await disconnected.Task.Within();

        Assert.Equal(DisconnectReason.LocalClose, args.Reason);
        Assert.False(args.WillReconnect);
        Assert.Equal(["connected reconnect=False", "frame", "disconnected"], order);
        Assert.Equal(ClientState.Disconnected, client.State);
    }

    [Fact]
    public async Task AKickOnTheServerSurfacesAsRemoteClosed()
    {
        var disconnected = Wait.Source<DisconnectedEventArgs>();
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("lp4"), new() { Framing = TestListeners.Framing("lp4") }).Within();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        // A round trip proves the server registered the session before it is looked up.
        await client.SendAsync("hello").Within();
        Assert.Equal("hello", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
        await ServerApi.KickAsync(_fixture.Server, client.LocalEndPoint!.ToString()!, "misbehaving device");
        var args = await disconnected.Task.Within();

        Assert.Equal(DisconnectReason.RemoteClosed, args.Reason);
        Assert.Null(args.Exception);
        Assert.False(args.WillReconnect);
        Assert.True(client.WaitForDisconnected(0));
        Assert.Null(await client.ReceiveAsync().Within());
    }

    [Fact]
    public async Task ReadFramesAsyncEndsWhenTheServerClosesTheConnection()
    {
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("line"), new() { Framing = TestListeners.Framing("line") }).Within();
        await client.SendAsync("one").Within();
        await client.SendAsync("two").Within();
        var frames = new List<string>();

        await foreach (var frame in client.ReadFramesAsync().WithCancellation(new CancellationTokenSource(Wait.Timeout).Token))
        {
            frames.Add(Encoding.UTF8.GetString(frame));
            if (frames.Count == 2)
            {
                await ServerApi.KickAsync(_fixture.Server, client.LocalEndPoint!.ToString()!, "done");
            }
        }

        Assert.Equal(["one", "two"], frames);
        Assert.Equal(ClientState.Disconnected, client.State);
    }

    [Fact]
    public async Task AResetByThePeerSurfacesAsConnectionReset()
    {
        await using var peer = new RawPeer();
        var disconnected = Wait.Source<DisconnectedEventArgs>();
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", peer.Port, null).Within();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);
        var accepted = await peer.AcceptAsync();

        accepted.LingerState = new LingerOption(true, 0);
        accepted.Close();
        var args = await disconnected.Task.Within();

        Assert.Equal(DisconnectReason.ConnectionReset, args.Reason);
        Assert.NotNull(args.Exception);
    }

    [Theory]
    [InlineData(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF }, FramingError.FrameTooLarge)]
    [InlineData(new byte[] { 0, 0, 0, 10, 1, 2 }, FramingError.TruncatedFrame)]
    public async Task BytesThatBreakTheFramingSurfaceAsFramingError(byte[] bytes, FramingError expected)
    {
        await using var peer = new RawPeer();
        var disconnected = Wait.Source<DisconnectedEventArgs>();
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", peer.Port, new() { Framing = new() { Kind = FramingKind.LengthPrefixed } }).Within();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);
        var accepted = await peer.AcceptAsync();

        await accepted.SendAsync(bytes).Within();
        accepted.Shutdown(SocketShutdown.Send);
        var args = await disconnected.Task.Within();

        Assert.Equal(DisconnectReason.FramingError, args.Reason);
        Assert.Equal(expected, Assert.IsType<FramingException>(args.Exception).Error);
    }

    [Fact]
    public async Task AnExceptionInAFrameHandlerClosesTheConnectionWithError()
    {
        var disconnected = Wait.Source<DisconnectedEventArgs>();
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("line"), new() { Framing = TestListeners.Framing("line") }).Within();
        client.FrameReceived += (_, _) => throw new InvalidOperationException("handler bug");
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        await client.SendAsync("boom").Within();
        var args = await disconnected.Task.Within();

        Assert.Equal(DisconnectReason.Error, args.Reason);
        Assert.Equal("handler bug", args.Exception!.Message);
    }

    [Fact]
    public async Task GracefulDisconnectDeliversFramesQueuedBeforeIt()
    {
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("lp4"), new() { Framing = TestListeners.Framing("lp4") }).Within();
        for (var i = 0; i < 100; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes($"frame {i}")).Within();
        }

        // The server echoes what it received before our FIN, then closes; every echo must still arrive.
        await client.DisconnectAsync().Within();
        var echoed = new List<string>();
        await foreach (var frame in client.ReadFramesAsync().WithCancellation(new CancellationTokenSource(Wait.Timeout).Token))
        {
            echoed.Add(Encoding.UTF8.GetString(frame));
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"frame {i}"), echoed);
    }

    [Fact]
    public async Task ConnectingToAClosedPortThrowsSocketExceptionAndLeavesTheClientReusable()
    {
        using var client = new KestrelTcpClient(new() { Framing = TestListeners.Framing("line") });

        var error = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", FreePort.Pick())).Within();
        await client.ConnectAsync("127.0.0.1", _fixture.Port("line")).Within();

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task FramesSentFromAFrameHandlerAreDelivered()
    {
        // Replies sent on the receive loop are held back to the end of each received batch; none may be lost.
        const int RoundTrips = 2000;
        var done = Wait.Source<int>();
        var count = 0;
        await using var client = new KestrelTcpClient(new() { Framing = TestListeners.Framing("lp4") });
        client.FrameReceived += (sender, e) =>
        {
            var seen = ++count;
            if (seen == RoundTrips)
            {
                done.TrySetResult(seen);
            }
            else
            {
                ((KestrelTcpClient)sender!).Send(e.Frame, 5000);
            }
        };
        await client.ConnectAsync("127.0.0.1", _fixture.Port("lp4")).Within();

        // Eight frames in flight, so that several replies share a batch.
        for (var i = 0; i < 8; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes($"ball {i}")).Within();
        }

        Assert.Equal(RoundTrips, await done.Task.Within());
    }

    [Fact]
    public async Task TheOnFrameCallbackSeesEveryFrameWithoutQueueingIt()
    {
        var received = new List<string>();
        var all = Wait.Source<bool>();
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", _fixture.Port("line"), new()
        {
            Framing = TestListeners.Framing("line"),
            OnFrame = (in System.Buffers.ReadOnlySequence<byte> frame) =>
            {
                lock (received)
                {
                    received.Add(Encoding.UTF8.GetString(frame));
                    if (received.Count == 3)
                    {
                        all.TrySetResult(true);
                    }
                }
            },
        }).Within();

        foreach (var text in new[] { "a", "bb", "ccc" })
        {
            await client.SendAsync(text).Within();
        }

        await all.Task.Within();
        Assert.Equal(["a", "bb", "ccc"], received);
        Assert.False(client.TryReceive(0, out _));
    }
}
