using System.Net;
using System.Text;
using KestrelTcp.Server.Api;
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
