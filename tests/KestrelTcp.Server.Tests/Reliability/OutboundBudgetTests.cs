using System.Globalization;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue #11, memory bounded by configuration: what all sessions together hold in outbound queues is
/// bounded by <c>KestrelTcp:MaxTotalOutboundBytes</c>, not by how many slow readers there are (each one's
/// own queue limit here is 32 MiB, so without the budget nothing would stop them).
/// </summary>
public sealed class OutboundBudgetTests
{
    private const long Budget = 2 * 1024 * 1024;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SlowEchoReadersCannotHoldMoreThanTheBudget(bool inline)
    {
        var settings = Settings.Listener("echo", "Echo", "Line", ("OutboundQueueBytes", "33554432"), ("InlineScheduling", inline ? "true" : "false"))
            .With("KestrelTcp:MaxTotalOutboundBytes", Budget.ToString(CultureInfo.InvariantCulture));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var registry = server.GetRequiredService<SessionRegistry>();
        var budget = server.GetRequiredService<ListenerCatalog>().OutboundBudget;

        // Three clients that never read each send 8 MB to echo: 24 MB of echoes against a 2 MiB budget
        // (plus what the kernel buffers hold).
        var clients = new List<TestTcpClient>();
        var ids = new List<string>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(server.TcpEndPoint("echo")).WaitAsync(TimeSpan.FromSeconds(10));
                var client = new TestTcpClient(socket);
                clients.Add(client);
                ids.Add(await server.SessionIdOfAsync(client));
            }

            var lines = Numbered(800_000);
            var peak = 0L;
            using var watching = new CancellationTokenSource();
            var watcher = Task.Run(async () =>
            {
                while (!watching.IsCancellationRequested)
                {
                    peak = Math.Max(peak, registry.All.Sum(s => s.QueuedBytes));
                    await Task.Delay(5);
                }
            });

            // The sends end early for a client once its session is closed; that is the point.
            await Task.WhenAll(clients.Select(async c =>
            {
                try
                {
                    await c.Socket.SendAsync(lines).WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (SocketException)
                {
                }
            }));

            await Eventually.WaitAsync(
                () => ids.All(id => registry.RecentlyClosed().Any(s => s.Id == id)),
                TimeSpan.FromSeconds(20),
                "every non-reading echo session closed");
            await watching.CancelAsync();
            await watcher;

            var closed = registry.RecentlyClosed().Where(s => ids.Contains(s.Id)).ToList();
            Assert.All(closed, s => Assert.Equal(CloseReason.SlowConsumer, s.CloseReason));
            Assert.Contains(closed, s => s.CloseDetail!.Contains("MaxTotalOutboundBytes", StringComparison.Ordinal));

            // Queued bytes stay within the budget plus each session's free allowance and one frame per
            // producer; the credit is all given back once the sessions are gone.
            Assert.InRange(peak, 0, Budget + (3 * OutboundBudget.FreeBytes) + (256 * 1024));
            Assert.Equal(0, budget.Reserved);
            Assert.True(budget.Refused > 0);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AnOperatorSendPastTheBudgetIsReportedBusyAndLeavesTheSessionOpen()
    {
        var settings = Settings.Listener("lp", "Monitor", "LengthPrefixed", ("Framing:MaxFrameBytes", "1048576"), ("OutboundQueueBytes", "33554432"))
            .With("KestrelTcp:MaxTotalOutboundBytes", Budget.ToString(CultureInfo.InvariantCulture));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        var registry = server.GetRequiredService<SessionRegistry>();
        var commands = server.GetRequiredService<SessionCommands>();
        var operatorActor = new CommandActor("test", null, SecurityRole.Operator, ActorKind.User);

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(server.TcpEndPoint("lp")).WaitAsync(TimeSpan.FromSeconds(10));
        await using var client = new TestTcpClient(socket);
        var id = await server.SessionIdOfAsync(client);

        // 512 KiB payloads to a client that does not read: after the kernel buffers fill, the budget runs
        // out long before the session's own 32 MiB queue limit.
        var payload = new byte[512 * 1024];
        SendResult? refusal = null;
        for (var i = 0; i < 64 && refusal is null; i++)
        {
            var result = await commands.SendAsync(operatorActor, [id], payload);
            Assert.Equal(CommandStatus.Ok, result.Status);
            if (result.Failed.TryGetValue(id, out var failed))
            {
                refusal = failed;
            }
            else
            {
                await Task.Delay(20);
            }
        }

        Assert.Equal(SendResult.ServerBusy, refusal);
        Assert.True(registry.TryGet(id, out var session));
        Assert.False(session.IsClosed);
        Assert.InRange(session.QueuedBytes, 0, Budget + OutboundBudget.FreeBytes);
    }

    [Fact]
    public async Task ABudgetUnderOneMebibyteFailsAtStart()
    {
        var settings = Settings.Listener("echo", "Echo").With("KestrelTcp:MaxTotalOutboundBytes", "1000");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings, includeDefaultListener: false));
        Assert.Contains("KestrelTcp:MaxTotalOutboundBytes must be at least 1048576", error.ToString(), StringComparison.Ordinal);
    }

    private static byte[] Numbered(int lines)
    {
        var text = new StringBuilder(lines * 10);
        for (var i = 0; i < lines; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i:D9}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
