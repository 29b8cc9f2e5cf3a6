using System.Globalization;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue #11, item 9: an Echo listener under framing faults and peer resets. Each case runs on both
/// transports: the event loop (InlineScheduling true) and Kestrel's socket transport (false).
/// </summary>
public sealed class EchoFaultTests
{
    private const int Rounds = 20;
    private const int ResetRounds = 40;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FramesAcceptedBeforeAnOversizeLineAreEchoedBeforeTheClose(bool inline)
    {
        var settings = Settings.Listener("echo", "Echo", "Line", ("Framing:MaxFrameBytes", "16"), ("InlineScheduling", inline ? "true" : "false"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var registry = server.GetRequiredService<SessionRegistry>();
        var oversize = "a\nb\nc\n" + new string('x', 100) + "\n";

        for (var round = 0; round < Rounds; round++)
        {
            await using var client = await server.ConnectAsync("echo");
            var id = await server.SessionIdOfAsync(client);

            // One write: the good lines and the bad one arrive in the same read.
            await client.SendAsync(oversize);

            Assert.Equal("a", await client.ReceiveLineAsync());
            Assert.Equal("b", await client.ReceiveLineAsync());
            Assert.Equal("c", await client.ReceiveLineAsync());
            Assert.True(await client.WaitForCloseAsync());
            Assert.Equal(CloseReason.FrameTooLarge, await CloseReasonOfAsync(registry, id));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EchoesStillWaitingForASlowReaderAreDrainedBeforeTheFramingClose(bool inline)
    {
        var settings = Settings.Listener(
            "echo",
            "Echo",
            "Line",
            ("Framing:MaxFrameBytes", "16"),
            ("OutboundQueueBytes", "33554432"),
            ("InlineScheduling", inline ? "true" : "false"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var registry = server.GetRequiredService<SessionRegistry>();

        // A small receive buffer and no reading until everything is sent: when the bad line arrives the
        // writer is still blocked on a flush, with echoes queued behind it (4 MB, inside the 32 MiB queue).
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
        await socket.ConnectAsync(server.TcpEndPoint("echo")).WaitAsync(TimeSpan.FromSeconds(10));
        await using var client = new TestTcpClient(socket);
        var id = await server.SessionIdOfAsync(client);
        const int Lines = 400_000;
        var text = new StringBuilder();
        for (var i = 0; i < Lines; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i:D9}\n");
        }

        text.Append(new string('x', 100)).Append('\n');
        await client.SendAsync(text.ToString());
        var session = registry.All.Single(s => s.Id == id);
        await Eventually.WaitAsync(() => session.IsClosed, TimeSpan.FromSeconds(10), "the framing close");

        for (var i = 0; i < Lines; i++)
        {
            Assert.Equal(i.ToString("D9", CultureInfo.InvariantCulture), await client.ReceiveLineAsync());
        }

        Assert.True(await client.WaitForCloseAsync());
        Assert.Equal(CloseReason.FrameTooLarge, await CloseReasonOfAsync(registry, id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FramesAcceptedBeforeAnInvalidLengthAreEchoedBeforeTheClose(bool inline)
    {
        var settings = Settings.Listener(
            "lp",
            "Echo",
            "LengthPrefixed",
            ("Framing:HeaderBytes", "2"),
            ("Framing:LengthIncludesHeader", "true"),
            ("InlineScheduling", inline ? "true" : "false"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var registry = server.GetRequiredService<SessionRegistry>();
        var codec = server.GetRequiredService<ListenerCatalog>().Find("lp")!.Codec;

        // Two good frames ("a", "b": length 3 including the header), then a length of 1, below the
        // header's own two bytes.
        byte[] bytes = [0x00, 0x03, (byte)'a', 0x00, 0x03, (byte)'b', 0x00, 0x01];

        for (var round = 0; round < Rounds; round++)
        {
            await using var client = await server.ConnectAsync("lp");
            var id = await server.SessionIdOfAsync(client);

            await client.SendAsync(bytes);

            Assert.Equal("a"u8.ToArray(), await client.ReceiveFrameAsync(codec));
            Assert.Equal("b"u8.ToArray(), await client.ReceiveFrameAsync(codec));
            Assert.True(await client.WaitForCloseAsync());
            Assert.Equal(CloseReason.InvalidFrame, await CloseReasonOfAsync(registry, id));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APeerResetInTheMiddleOfAFrameIsRecordedAsAReset(bool inline)
    {
        var settings = Settings.Listener("echo", "Echo", "Line", ("InlineScheduling", inline ? "true" : "false"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var registry = server.GetRequiredService<SessionRegistry>();
        var lines = Encoding.ASCII.GetBytes("one\ntwo\nthree\nhalf a li");
        var reasons = new List<CloseReason?>();

        for (var round = 0; round < ResetRounds; round++)
        {
            await using var client = await server.ConnectAsync("echo");
            var id = await server.SessionIdOfAsync(client);

            // Whole lines (echoed while the reset arrives) and half of one, then an abortive close.
            await client.SendAsync(lines);
            client.Socket.LingerState = new LingerOption(true, 0);
            client.Socket.Close();

            reasons.Add(await CloseReasonOfAsync(registry, id));
        }

        Assert.All(reasons, reason => Assert.Equal(CloseReason.ConnectionReset, reason));
    }

    /// <summary>The recorded close reason of session <paramref name="id"/>, once it is among the recently closed.</summary>
    private static async Task<CloseReason?> CloseReasonOfAsync(SessionRegistry registry, string id)
    {
        SessionInfo? closed = null;
        await Eventually.WaitAsync(
            () => (closed = registry.RecentlyClosed().FirstOrDefault(s => s.Id == id)) is not null,
            TimeSpan.FromSeconds(10),
            $"session {id} among the recently closed");
        return closed!.CloseReason;
    }
}
