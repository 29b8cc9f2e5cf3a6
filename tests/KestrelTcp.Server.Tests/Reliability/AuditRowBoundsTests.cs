using System.Net;
using System.Net.Sockets;
using System.Net.Http.Json;
using System.Text;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue 11, item 5: a Viewer's refused <c>POST /api/send</c> naming 10,000 ids of 96 characters wrote
/// every id into its audit row (20 requests, +20 MB). A row keeps the first ids and the count; a request
/// naming an over-long id is a 400, and a send body over its limit a 413.
/// </summary>
public sealed class AuditRowBoundsTests
{
    private const int Requests = 20;
    private const int Ids = 10_000;
    /// <summary>A bounded row is about 2 KB, but SQLite's write-ahead log takes whole 4 KiB pages per commit
    /// (about 12 KB a row here); unbounded rows took 1 MB each, 20 MB in all.</summary>
    private const long MaxGrowthBytes = 1024 * 1024;

    [Fact]
    public async Task DeniedSendsNamingTenThousandLongIdsBarelyGrowTheAuditLog()
    {
        await using var server = await TestServer.StartAsync();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        var ids = Enumerable.Range(0, Ids).Select(i => i.ToString("D96", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        (await viewer.PostAsJsonAsync("/api/send", new { text = "x", sessionIds = ids[..1] }).Within()).Dispose();
        var before = AuditBytes(server);

        for (var i = 0; i < Requests; i++)
        {
            using var denied = await viewer.PostAsJsonAsync("/api/send", new { text = "x", sessionIds = ids }).Within();
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        var growth = AuditBytes(server) - before;
        Assert.True(growth < MaxGrowthBytes, $"{Requests} denied sends grew the audit log by {growth} bytes.");
        var newest = (await SecurityHttp.ReadAuditAsync(server, pageSize: 1)).Items.Single();
        Assert.Equal(AuditResult.Denied, newest.Result);
        Assert.Equal(AuditEvent.MaxSessionsKept, newest.Sessions.Count);
        Assert.All(newest.Sessions, s => Assert.True(s.Length <= AuditEvent.MaxSessionIdLength, s));
        Assert.Equal(ids[0][..AuditEvent.MaxSessionIdLength], newest.Sessions[0]);
        Assert.Contains($"{Ids} sessions named", newest.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASendNamingAnOverLongIdIsABadRequestNamingSessionIds()
    {
        await using var server = await TestServer.StartAsync();
        using var op = server.CreateHttpClient(TestRole.Operator);
        var id = new string('a', SessionCommands.MaxSessionIdLength + 1);

        using var response = await op.PostAsJsonAsync("/api/send", new { text = "x", sessionIds = new[] { id } }).Within();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sessionIds", await response.Content.ReadAsStringAsync().Within(), StringComparison.Ordinal);
        var row = (await SecurityHttp.ReadAuditAsync(server, AuditAction.Send)).Single();
        Assert.Equal(AuditResult.Invalid, row.Result);
        Assert.True(row.Sessions.Single().Length <= AuditEvent.MaxSessionIdLength);
    }

    [Theory]
    [InlineData("/api/send")]
    [InlineData("/api/sessions/any/send")]
    [InlineData("/api/listeners/default/broadcast")]
    public async Task ASendBodyOverItsLimitIsRefusedWith413(string path)
    {
        await using var server = await TestServer.StartAsync();

        // Over a raw socket, announcing a body one byte over the limit: the server answers without waiting
        // for it (an HttpClient would still be writing 4 MiB into a connection the server has closed).
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, server.HttpAddress.Port).Within();
        var stream = socket.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{TestServer.ApiKeyHeaderName}: {server.OperatorApiKey}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {SessionsApi.MaxSendBodyBytes + 1}\r\n\r\n{{\"text\":\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head)).Within();
        using var reader = new StreamReader(stream, Encoding.ASCII);

        var status = await reader.ReadLineAsync().Within();

        Assert.StartsWith("HTTP/1.1 413", status, StringComparison.Ordinal);
    }

    /// <summary>The audit database with its write-ahead log: what the disk holds for it.</summary>
    private static long AuditBytes(TestServer server) =>
        new DirectoryInfo(server.DataPath).GetFiles("audit.db*").Sum(f => f.Length);
}
