using System.Globalization;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// A closed session drains what it still has to send, but only for the listener's
/// <c>CloseDrainTimeout</c>: a peer that half-closes (or sends a bad frame) and then never reads must not
/// hold its session, socket and queue for ever. Each case runs on both transports.
/// </summary>
public sealed class CloseDrainDeadlineTests
{
    private const int Lines = 400_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APeerThatHalfClosesAndNeverReadsIsAbortedAfterTheDrainTimeout(bool inline)
    {
        await using var server = await StartAsync(inline);
        var registry = server.GetRequiredService<SessionRegistry>();
        await using var client = await ConnectNonReadingAsync(server);
        var id = await server.SessionIdOfAsync(client);

        // 4 MB of echoes, far more than the socket buffers hold while the client reads nothing, then FIN.
        await client.SendAsync(Numbered());
        client.Socket.Shutdown(SocketShutdown.Send);

        var closed = await RecentlyClosedAsync(registry, id, TimeSpan.FromSeconds(15));
        Assert.Equal(CloseReason.ClientClosed, closed.CloseReason);
        Assert.Contains("did not read what was left to send", closed.CloseDetail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFramingCloseWhosePeerNeverReadsIsAbortedAfterTheDrainTimeout(bool inline)
    {
        await using var server = await StartAsync(inline);
        var registry = server.GetRequiredService<SessionRegistry>();
        await using var client = await ConnectNonReadingAsync(server);
        var id = await server.SessionIdOfAsync(client);

        await client.SendAsync(Numbered() + new string('x', 100) + "\n");

        var closed = await RecentlyClosedAsync(registry, id, TimeSpan.FromSeconds(15));
        Assert.Equal(CloseReason.FrameTooLarge, closed.CloseReason);
        Assert.Contains("did not read what was left to send", closed.CloseDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACloseDrainTimeoutThatIsNotPositiveFailsAtStart()
    {
        var settings = Settings.Listener("echo", "Echo", "Line", ("CloseDrainTimeout", "00:00:00"));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings, includeDefaultListener: false));
        Assert.Contains("Listeners:echo:CloseDrainTimeout must be positive", error.ToString(), StringComparison.Ordinal);
    }

    private static Task<TestServer> StartAsync(bool inline) => TestServer.StartAsync(
        Settings.Listener(
            "echo",
            "Echo",
            "Line",
            ("Framing:MaxFrameBytes", "16"),
            ("OutboundQueueBytes", "33554432"),
            ("CloseDrainTimeout", "00:00:01"),
            ("InlineScheduling", inline ? "true" : "false")),
        includeDefaultListener: false);

    private static async Task<TestTcpClient> ConnectNonReadingAsync(TestServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
        await socket.ConnectAsync(server.TcpEndPoint("echo")).WaitAsync(TimeSpan.FromSeconds(10));
        return new TestTcpClient(socket);
    }

    private static string Numbered()
    {
        var text = new StringBuilder(Lines * 10);
        for (var i = 0; i < Lines; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i:D9}\n");
        }

        return text.ToString();
    }

    private static async Task<SessionInfo> RecentlyClosedAsync(SessionRegistry registry, string id, TimeSpan within)
    {
        SessionInfo? closed = null;
        await Eventually.WaitAsync(
            () => (closed = registry.RecentlyClosed().FirstOrDefault(s => s.Id == id)) is not null,
            within,
            $"session {id} gone from the registry (its close drain abandoned)");
        return closed!;
    }
}
