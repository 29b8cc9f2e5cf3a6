using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Sessions;

public sealed class MultiClientTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task KeepsEveryClientAndDeliversToTheChosenOneOnly()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        await using var second = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(2);
        await using var third = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(3);

        var ids = server.SessionIds();
        Assert.Equal(3, ids.Count);
        var registry = server.GetRequiredService<SessionRegistry>();
        Assert.True(registry.TryGet(ids[1], out var secondSession));
        Assert.Equal(second.LocalEndPoint, secondSession.RemoteEndPoint?.ToString());

        var commands = server.GetRequiredService<SessionCommands>();
        var result = await commands.SendAsync(new CommandActor("test", null, SecurityRole.Operator, ActorKind.User), [ids[1]], "only you"u8.ToArray());
        Assert.Equal(CommandStatus.Ok, result.Status);

        Assert.Equal("only you", await second.ReceiveLineAsync());
        Assert.True(await first.ReceivesNothingAsync(Quiet));
        Assert.True(await third.ReceivesNothingAsync(Quiet));

        await first.DisposeAsync();
        await server.WaitForSessionCountAsync(2);
        Assert.DoesNotContain(ids[0], server.SessionIds());
        Assert.Contains(registry.RecentlyClosed(), s => s.Id == ids[0] && s.CloseReason == CloseReason.ClientClosed);
    }

    [Fact]
    public async Task ServesMoreThanTheSelectCeilingOf1024ClientsAtOnce()
    {
        const int Clients = 1100;
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Mode"] = "Echo",
        });

        var clients = new List<TestTcpClient>(Clients);
        try
        {
            // Connect in batches so the listen backlog never overflows into SYN retries.
            for (var i = 0; i < Clients; i += 100)
            {
                clients.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(100, Clients - i)).Select(_ => server.ConnectAsync())));
            }

            await server.WaitForSessionCountAsync(Clients, TimeSpan.FromSeconds(30));

            var replies = await Task.WhenAll(clients.Select(async (client, index) =>
            {
                await client.SendLineAsync($"client {index}");
                return await client.ReceiveLineAsync(TimeSpan.FromSeconds(30));
            }));
            for (var i = 0; i < Clients; i++)
            {
                Assert.Equal($"client {i}", replies[i]);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        await server.WaitForSessionCountAsync(0, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RemovesSessionsFromTheRegistryWhateverEndsThem()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Framing:MaxFrameBytes"] = "8",
        });
        var registry = server.GetRequiredService<SessionRegistry>();
        var listener = server.GetRequiredService<ListenerCatalog>().Find("default")!;

        await using var polite = await server.ConnectAsync();
        await using var rude = await server.ConnectAsync();
        await using var oversize = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(3);

        await polite.DisposeAsync();
        rude.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        rude.Socket.Close();
        await oversize.SendLineAsync("this line is far too long");

        await server.WaitForSessionCountAsync(0);
        Assert.Empty(listener.Sessions);
        Assert.Equal(0, listener.ConnectionCount);
        var reasons = registry.RecentlyClosed().Select(s => s.CloseReason).ToList();
        Assert.Contains(CloseReason.ClientClosed, reasons);
        Assert.Contains(CloseReason.ConnectionReset, reasons);
        Assert.Contains(CloseReason.FrameTooLarge, reasons);
    }
}
