using System.Net;
using System.Text.Json;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue 11, item 3: busy sessions sending 4 KiB frames cannot make the histories hold more than
/// <c>MaxBytesPerSession</c> each or <c>MaxTotalBytes</c> together; the API keeps answering, and a
/// closed session gives its bytes back. (The old ring of 200 fixed 4 KiB slots held 200 × 4 KiB per
/// session and had no process-wide bound at all.)
/// </summary>
public sealed class HistoryBoundsTests
{
    private const int Sessions = 24;
    private const int FramesEach = 12;
    private const int PerSession = 16 * 1024;
    private const long Total = 96 * 1024;

    [Fact]
    public async Task BusySessionsStayInsideThePerSessionAndProcessWideHistoryBudgets()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:History:MaxBytesPerSession"] = PerSession.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KestrelTcp:History:MaxTotalBytes"] = Total.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var registry = server.GetRequiredService<SessionRegistry>();
        var budget = server.GetRequiredService<HistoryBudget>();
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var line = new string('x', 4000);
        var clients = new List<TestTcpClient>();
        try
        {
            for (var i = 0; i < Sessions; i++)
            {
                clients.Add(await server.ConnectAsync());
            }

            await server.WaitForSessionCountAsync(Sessions);

            // One session after the other, each sending 12 × 4 KiB (three times its own bound): the first
            // ones take the budget in steps of 4, 4 and 8 KiB; once it is spent, the rest get no buffer.
            var sessions = new List<Session>();
            foreach (var client in clients)
            {
                var session = registry.All.Single(s => s.RemoteEndPointText == client.LocalEndPoint);
                sessions.Add(session);
                for (var frame = 0; frame < FramesEach; frame++)
                {
                    await client.SendLineAsync(line);
                }

                await Eventually.WaitAsync(() => session.History.Count == FramesEach, TimeSpan.FromSeconds(20), "the session's frames recorded");
                Assert.InRange(budget.ReservedBytes, 0, Total);
            }

            const int Full = (int)(Total / PerSession);
            Assert.All(sessions.Take(Full), s => Assert.Equal(PerSession, s.History.BufferBytes));
            Assert.All(sessions.Skip(Full), s => Assert.Equal(0, s.History.BufferBytes));
            Assert.Equal(Total, budget.PeakBytes);
            Assert.Equal(Total, budget.ReservedBytes);
            Assert.Equal(Sessions - Full, budget.HistoriesRefused);

            using var info = JsonDocument.Parse(await http.GetStringAsync("/api/server").Within());
            Assert.Equal(Total, info.RootElement.GetProperty("historyBytes").GetInt64());
            Assert.Equal(Total, info.RootElement.GetProperty("historyBudgetBytes").GetInt64());
            Assert.Equal(Sessions - Full, info.RootElement.GetProperty("historiesRefused").GetInt64());

            // Every session's messages still answer: the newest whole frames that fit in 16 KiB, or none.
            for (var i = 0; i < sessions.Count; i++)
            {
                var response = await http.GetAsync($"/api/sessions/{sessions[i].Id}/messages").Within();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var messages = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var items = messages.RootElement.EnumerateArray().ToList();
                if (i < Full)
                {
                    Assert.Equal(PerSession / (4000 + SessionHistory.HeaderBytes), items.Count);
                    Assert.Equal(FramesEach, items[^1].GetProperty("sequence").GetInt64());
                    Assert.All(items, m => Assert.Equal(line, m.GetProperty("text").GetString()));
                }
                else
                {
                    Assert.Empty(items);
                }
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        // Closed sessions give their bytes back.
        await server.WaitForSessionCountAsync(0, TimeSpan.FromSeconds(20));
        await Eventually.WaitAsync(() => budget.ReservedBytes == 0, TimeSpan.FromSeconds(10), "the histories' bytes given back");
    }
}
