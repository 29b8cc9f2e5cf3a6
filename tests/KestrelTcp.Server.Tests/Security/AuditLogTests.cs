using System.Net;
using System.Security.Cryptography;
using System.Text;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Security;

public sealed class AuditLogTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task AnAllowedSendIsRecordedWithWhoWhatAndWhere()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var http = server.CreateHttpClient();

        (await http.PostJsonAsync($"/api/sessions/{id}/send", new { text = "reboot" }).Within()).Dispose();
        await client.ReceiveLineAsync().Within();

        var record = Assert.Single(await SecurityHttp.ReadAuditAsync(server, AuditAction.Send));
        Assert.Equal(TestCredentials.OperatorKeyName, record.Actor);
        Assert.Equal(ActorKind.ApiKey, record.ActorKind);
        Assert.Equal(SecurityRole.Operator, record.Role);
        Assert.Equal("127.0.0.1", record.Source);
        Assert.Equal(AuditResult.Allowed, record.Result);
        Assert.Equal([id], record.Sessions);
        Assert.Equal(6, record.PayloadBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("reboot"))), record.PayloadSha256);
        Assert.InRange(record.Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task DeniedSendsBroadcastsAndKicksAreRecordedWithWhatWasAsked()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);

        (await viewer.PostJsonAsync("/api/send", new { hex = "DEADBEEF", sessionIds = new[] { id } }).Within()).Dispose();
        (await viewer.PostJsonAsync("/api/listeners/default/broadcast", new { text = "all" }).Within()).Dispose();
        (await viewer.DeleteAsync($"/api/sessions/{id}?reason=curious").Within()).Dispose();

        var records = (await SecurityHttp.ReadAuditAsync(server)).Items;
        Assert.All(records, r =>
        {
            Assert.Equal(AuditResult.Denied, r.Result);
            Assert.Equal(TestCredentials.ViewerKeyName, r.Actor);
            Assert.Equal(SecurityRole.Viewer, r.Role);
        });
        Assert.Equal([AuditAction.Kick, AuditAction.Broadcast, AuditAction.Send], records.Select(r => r.Action));
        var kick = records[0];
        var broadcast = records[1];
        var send = records[2];
        Assert.Equal([id], send.Sessions);
        Assert.Equal(4, send.PayloadBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([0xDE, 0xAD, 0xBE, 0xEF])), send.PayloadSha256);
        Assert.Equal("default", broadcast.Listener);
        Assert.Equal(3, broadcast.PayloadBytes);
        Assert.Equal([id], kick.Sessions);
        Assert.Contains("curious", kick.Detail);
        Assert.True(await client.ReceivesNothingAsync(Quiet).Within());
    }

    [Fact]
    public async Task SignInsFailuresLockoutsAndSignOutsAreRecorded()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{SecurityOptions.SectionName}:Lockout:MaxFailures"] = "1",
        });
        using var browser = SecurityHttp.CreateBrowser(server);

        (await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword)).Dispose();
        (await browser.PostAsync("/auth/logout", null).Within()).Dispose();
        (await browser.LoginAsync(server.ViewerUserName, "wrong")).Dispose();
        (await browser.LoginAsync(server.ViewerUserName, server.ViewerPassword)).Dispose();

        var records = (await SecurityHttp.ReadAuditAsync(server)).Items;
        Assert.Equal(
            [
                (AuditAction.Login, AuditResult.LockedOut, server.ViewerUserName),
                (AuditAction.Login, AuditResult.Failed, server.ViewerUserName),
                (AuditAction.Logout, AuditResult.Allowed, server.OperatorUserName),
                (AuditAction.Login, AuditResult.Allowed, server.OperatorUserName),
            ],
            records.Select(r => (r.Action, r.Result, r.Actor)));
        Assert.All(records, r => Assert.Equal("127.0.0.1", r.Source));
        Assert.Equal(SecurityRole.Operator, records[3].Role);
    }

    [Fact]
    public async Task CommandsRefusedForBadInputAreRecordedToo()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        (await http.DeleteAsync("/api/sessions/no-such-session").Within()).Dispose();
        (await http.PostJsonAsync("/api/listeners/nowhere/broadcast", new { text = "x" }).Within()).Dispose();

        var records = (await SecurityHttp.ReadAuditAsync(server)).Items;
        Assert.Equal([(AuditAction.Broadcast, AuditResult.NotFound), (AuditAction.Kick, AuditResult.NotFound)], records.Select(r => (r.Action, r.Result)));
        Assert.Equal("nowhere", records[0].Listener);
        Assert.Equal(["no-such-session"], records[1].Sessions);
    }

    [Fact]
    public async Task AllowedAndDeniedRecordsSurviveARestart()
    {
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        await using (var first = await TestServer.StartAsync(dataPath: data, keepDataPath: true))
        {
            await using var client = await first.ConnectAsync();
            await first.WaitForSessionCountAsync(1);
            var id = first.SessionIds().Single();
            using var viewer = first.CreateHttpClient(TestRole.Viewer);
            using var operatorKey = first.CreateHttpClient();
            (await viewer.DeleteAsync($"/api/sessions/{id}").Within()).Dispose();
            (await operatorKey.DeleteAsync($"/api/sessions/{id}").Within()).Dispose();
        }

        await using var second = await TestServer.StartAsync(dataPath: data);

        Assert.True(File.Exists(Path.Combine(data, "audit.db")));
        var kicks = await SecurityHttp.ReadAuditAsync(second, AuditAction.Kick);
        Assert.Equal([AuditResult.Allowed, AuditResult.Denied], kicks.Select(k => k.Result));
        Assert.Equal([TestCredentials.OperatorKeyName, TestCredentials.ViewerKeyName], kicks.Select(k => k.Actor));
    }

    [Fact]
    public async Task AnActionTheLogCannotRecordDoesNotHappen()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var http = server.CreateHttpClient();
        await server.GetRequiredService<AuditLog>().DisposeAsync().Within();

        using var send = await http.PostJsonAsync($"/api/sessions/{id}/send", new { text = "unrecorded" }).Within();
        using var kick = await http.DeleteAsync($"/api/sessions/{id}").Within();

        Assert.Equal(HttpStatusCode.InternalServerError, send.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, kick.StatusCode);
        Assert.True(await client.ReceivesNothingAsync(Quiet).Within());
        Assert.Equal([id], server.SessionIds());
    }

    [Fact]
    public async Task ManyWritesAtOnceEachGetTheirOwnRowInArrivalOrderAcrossSeveralCommits()
    {
        await using var server = await TestServer.StartAsync();
        var audit = server.GetRequiredService<AuditLog>();
        const int Writes = AuditLog.MaxRowsPerCommit * 2 + 17;

        // Started at once, so most of them wait behind a commit and go into a shared transaction
        // (more than one transaction's worth of rows).
        var writes = Enumerable.Range(0, Writes)
            .Select(i => audit.WriteAsync(AuditEvent.ForSignIn($"user-{i}", ActorKind.User, null, "127.0.0.1", AuditAction.Login, AuditResult.Allowed, $"write {i}")))
            .ToArray();
        var ids = await Task.WhenAll(writes).Within();

        Assert.Equal(Writes, ids.Distinct().Count());
        Assert.Equal(ids.Order(), ids);
        var (rows, total) = await audit.ReadNewestAsync(Writes).Within();
        Assert.Equal(Writes, total);
        var byId = rows.ToDictionary(r => r.Id);
        Assert.All(Enumerable.Range(0, Writes), i => Assert.Equal($"write {i}", byId[ids[i]].Detail));
    }

    [Fact]
    public async Task EveryWriteOfABatchThatCannotBeCommittedFailsAndNoneIsLeftWaiting()
    {
        await using var server = await TestServer.StartAsync();
        var audit = server.GetRequiredService<AuditLog>();
        await audit.DisposeAsync().Within();

        var writes = Enumerable.Range(0, 50)
            .Select(i => audit.WriteAsync(AuditEvent.ForSignIn($"user-{i}", ActorKind.User, null, null, AuditAction.Login, AuditResult.Allowed, null)))
            .ToArray();

        foreach (var write in writes)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => write.Within());
        }
    }

    [Fact]
    public async Task TheLogPagesNewestFirst()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        for (var i = 0; i < 5; i++)
        {
            (await http.DeleteAsync($"/api/sessions/missing-{i}").Within()).Dispose();
        }

        var first = await SecurityHttp.ReadAuditAsync(server, page: 1, pageSize: 2);
        var third = await SecurityHttp.ReadAuditAsync(server, page: 3, pageSize: 2);
        using var tooBig = await http.GetAsync("/api/audit?pageSize=501").Within();

        Assert.Equal(5, first.Total);
        Assert.Equal([["missing-4"], ["missing-3"]], first.Items.Select(r => r.Sessions));
        Assert.Equal([["missing-0"]], third.Items.Select(r => r.Sessions));
        Assert.True(first.Items[0].Id > first.Items[1].Id);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
    }

    [Fact]
    public async Task TheAuditPathIsConfigurable()
    {
        var folder = Directory.CreateTempSubdirectory("kestreltcp-audit-").FullName;
        var path = Path.Combine(folder, "nested", "operator-actions.db");
        try
        {
            await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { [$"{SecurityOptions.SectionName}:AuditPath"] = path });

            Assert.Equal(path, server.GetRequiredService<AuditLog>().Path);
            Assert.True(File.Exists(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
