using System.Net;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Api;

public sealed class SessionsApiTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task ListsSessionsWithTheirEndpointsAndCounters()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("hello");
        await server.WaitForSessionCountAsync(1);
        await Eventually.WaitAsync(() => server.GetRequiredService<SessionRegistry>().All.Single().Snapshot().FramesIn == 1, TimeSpan.FromSeconds(5));

        var page = await (await http.GetAsync("/api/sessions")).ReadAsync<SessionPage>();

        var item = Assert.Single(page.Items);
        Assert.Equal(1, page.Total);
        Assert.Equal("default", item.Listener);
        Assert.Equal(client.LocalEndPoint, item.RemoteEndPoint);
        Assert.Equal(server.TcpEndPoint().ToString(), item.LocalEndPoint);
        Assert.Equal(6, item.BytesIn);
        Assert.Equal(1, item.FramesIn);
        Assert.NotNull(item.LastReceivedAt);
        Assert.Null(item.LastSentAt);
        Assert.Null(item.CloseReason);
    }

    [Fact]
    public async Task FiltersSortsAndPagesSessions()
    {
        var settings = new Dictionary<string, string?>().With(Settings.Listener("other"));
        await using var server = await TestServer.StartAsync(settings);
        using var http = server.CreateHttpClient();
        var clients = new List<TestTcpClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await server.ConnectAsync());
        }

        clients.Add(await server.ConnectAsync("other"));
        await server.WaitForSessionCountAsync(4);
        await clients[1].SendLineAsync("the busiest client");

        await Eventually.WaitAsync(() => server.GetRequiredService<SessionRegistry>().All.Any(s => s.Snapshot().FramesIn == 1), TimeSpan.FromSeconds(5));
        var other = await (await http.GetAsync("/api/sessions?listener=other")).ReadAsync<SessionPage>();
        Assert.Equal("other", Assert.Single(other.Items).Listener);

        var busiest = await (await http.GetAsync("/api/sessions?sort=-bytesIn&pageSize=1")).ReadAsync<SessionPage>();
        Assert.Equal(4, busiest.Total);
        Assert.Equal(clients[1].LocalEndPoint, Assert.Single(busiest.Items).RemoteEndPoint);

        var secondPage = await (await http.GetAsync("/api/sessions?listener=default&page=2&pageSize=2")).ReadAsync<SessionPage>();
        Assert.Equal(3, secondPage.Total);
        Assert.Single(secondPage.Items);

        var port = clients[2].LocalEndPoint.Split(':')[^1];
        var byAddress = await (await http.GetAsync($"/api/sessions?q=:{port}")).ReadAsync<SessionPage>();
        Assert.Equal(clients[2].LocalEndPoint, Assert.Single(byAddress.Items).RemoteEndPoint);

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/api/sessions?listener=nope", "listener")]
    [InlineData("/api/sessions?page=0", "page")]
    [InlineData("/api/sessions?pageSize=100000", "pageSize")]
    [InlineData("/api/sessions?sort=colour", "sort")]
    public async Task RejectsBadListQueriesNamingTheParameter(string url, string parameter)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(parameter, await response.ProblemDetailAsync());
    }

    [Fact]
    public async Task ReturnsNotFoundForUnknownSessions()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/sessions/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/sessions/nope/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync("/api/sessions/nope")).StatusCode);
        var send = await http.PostJsonAsync("/api/sessions/nope/send", new { text = "x" });
        Assert.Equal(HttpStatusCode.NotFound, send.StatusCode);
        Assert.Contains("nope", await send.ProblemDetailAsync());
    }

    [Fact]
    public async Task SendsTextHexAndBase64FramedByTheListener()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("lp", "Monitor", "LengthPrefixed"), includeDefaultListener: false);
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync("lp");
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        var codec = new LengthPrefixedCodec();

        var text = await http.PostJsonAsync($"/api/sessions/{id}/send", new { text = "héllo" });
        Assert.Equal(HttpStatusCode.Accepted, text.StatusCode);
        var response = await text.ReadAsync<SendResponse>();
        Assert.Equal([id], response.Sessions);
        Assert.Equal(6, response.Bytes);
        Assert.Equal("héllo"u8.ToArray(), await client.ReceiveFrameAsync(codec));

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostJsonAsync($"/api/sessions/{id}/send", new { hex = "00 ff-7e:0A" })).StatusCode);
        Assert.Equal(new byte[] { 0x00, 0xFF, 0x7E, 0x0A }, await client.ReceiveFrameAsync(codec));

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostJsonAsync($"/api/sessions/{id}/send", new { base64 = "AQID" })).StatusCode);
        Assert.Equal(new byte[] { 1, 2, 3 }, await client.ReceiveFrameAsync(codec));

        var messages = await (await http.GetAsync($"/api/sessions/{id}/messages")).ReadAsync<MessageInfo[]>();
        Assert.Equal(3, messages.Length);
        Assert.All(messages, m => Assert.Equal(FrameDirection.Out, m.Direction));
        Assert.Equal("héllo", messages[0].Text);
        Assert.Equal("00FF7E0A", messages[1].Hex);
        Assert.Equal([1L, 2L, 3L], messages.Select(m => m.Sequence));
    }

    [Theory]
    [InlineData("""{ "hex": "0g" }""", "hexadecimal")]
    [InlineData("""{ "hex": "abc" }""", "even")]
    [InlineData("""{ "base64": "***" }""", "base64")]
    [InlineData("""{ "text": "" }""", "empty")]
    [InlineData("""{ }""", "exactly one")]
    [InlineData("""{ "text": "a", "hex": "62" }""", "exactly one")]
    [InlineData("""{ "text": "two\nlines" }""", "line feed")]
    [InlineData("""{ "text": "this payload is longer than sixteen bytes" }""", "maximum frame size")]
    public async Task RejectsMalformedPayloadsAndSendsNothing(string body, string expected)
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Framing:MaxFrameBytes"] = "16" });
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();

        var response = await http.PostAsync($"/api/sessions/{id}/send", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ProblemDetailAsync());
        Assert.True(await client.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task RejectsABodyThatIsNotJsonWithProblemDetails()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);

        var response = await http.PostAsync($"/api/sessions/{server.SessionIds().Single()}/send", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SendsToSeveralSessionsOrToNoneWhenOneIsUnknown()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await using var c = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(3);
        var registry = server.GetRequiredService<SessionRegistry>();
        string IdOf(TestTcpClient client) => registry.All.Single(s => s.RemoteEndPoint!.ToString() == client.LocalEndPoint).Id;

        var unknown = await http.PostJsonAsync("/api/send", new { text = "x", sessionIds = new[] { IdOf(a), "ghost" } });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("ghost", await unknown.ProblemDetailAsync());
        Assert.True(await a.ReceivesNothingAsync(Quiet));

        var none = await http.PostJsonAsync("/api/send", new { text = "x", sessionIds = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);

        var ok = await http.PostJsonAsync("/api/send", new { text = "a and c", sessionIds = new[] { IdOf(a), IdOf(c) } });
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        Assert.Equal("a and c", await a.ReceiveLineAsync());
        Assert.Equal("a and c", await c.ReceiveLineAsync());
        Assert.True(await b.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task KicksWithAReasonAndListsTheClosedSession()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();

        var kick = await http.DeleteAsync($"/api/sessions/{id}?reason=maintenance");

        Assert.Equal(HttpStatusCode.NoContent, kick.StatusCode);
        Assert.True(await client.WaitForCloseAsync());
        await server.WaitForSessionCountAsync(0);
        var closed = await (await http.GetAsync("/api/sessions/closed")).ReadAsync<SessionInfo[]>();
        var entry = Assert.Single(closed);
        Assert.Equal(id, entry.Id);
        Assert.Equal(CloseReason.Kicked, entry.CloseReason);
        Assert.Equal("maintenance", entry.CloseDetail);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/sessions/{id}")).StatusCode);
    }
}
