using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>A send or broadcast whose payload cannot be read (bad hex) is refused and audited like every
/// other refused command: Invalid for an Operator, Denied for a Viewer. It used to leave no audit row.</summary>
public sealed class UnreadablePayloadAuditTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task AnOperatorsBadHexSendsAndBroadcastAreRefusedAndAuditedAsInvalid()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var http = server.CreateHttpClient();

        using (var one = await http.PostJsonAsync($"/api/sessions/{id}/send", new { hex = "zz" }).Within())
        using (var many = await http.PostJsonAsync("/api/send", new { hex = "0g", sessionIds = new[] { id } }).Within())
        using (var all = await http.PostJsonAsync("/api/listeners/default/broadcast", new { hex = "abc" }).Within())
        {
            Assert.Equal(HttpStatusCode.BadRequest, one.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, all.StatusCode);
        }

        var records = (await SecurityHttp.ReadAuditAsync(server)).Items;
        Assert.Equal([AuditAction.Broadcast, AuditAction.Send, AuditAction.Send], records.Select(r => r.Action));
        Assert.All(records, r =>
        {
            Assert.Equal(AuditResult.Invalid, r.Result);
            Assert.Equal(TestCredentials.OperatorKeyName, r.Actor);
            Assert.False(string.IsNullOrEmpty(r.Detail));
        });
        Assert.Equal("default", records[0].Listener);
        Assert.Equal([id], records[1].Sessions);
        Assert.Equal([id], records[2].Sessions);
        Assert.True(await client.ReceivesNothingAsync(Quiet).Within());
    }

    [Fact]
    public async Task AViewersBadHexSendIsForbiddenAndAuditedAsDenied()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);

        using (var response = await viewer.PostJsonAsync($"/api/sessions/{id}/send", new { hex = "zz" }).Within())
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var record = Assert.Single(await SecurityHttp.ReadAuditAsync(server, AuditAction.Send));
        Assert.Equal(AuditResult.Denied, record.Result);
        Assert.Equal(TestCredentials.ViewerKeyName, record.Actor);
        Assert.Equal([id], record.Sessions);
    }
}
