using System.Net;
using System.Text;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Security;

public sealed class AuthorizationTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Theory]
    [InlineData("/api/sessions")]
    [InlineData("/api/sessions/closed")]
    [InlineData("/api/listeners")]
    [InlineData("/openapi/v1.json")]
    public async Task AViewerReadsEverything(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        using var response = await http.GetAsync(path).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AViewerKeyCannotSendBroadcastOrKick()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);

        using var send = await viewer.PostJsonAsync($"/api/sessions/{id}/send", new { text = "viewer was here" }).Within();
        using var sendMany = await viewer.PostJsonAsync("/api/send", new { text = "viewer was here", sessionIds = new[] { id } }).Within();
        using var broadcast = await viewer.PostJsonAsync("/api/listeners/default/broadcast", new { text = "viewer was here" }).Within();
        using var kick = await viewer.DeleteAsync($"/api/sessions/{id}?reason=viewer").Within();

        Assert.Equal(HttpStatusCode.Forbidden, send.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sendMany.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, broadcast.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, kick.StatusCode);
        Assert.Contains("Operator", await kick.ProblemDetailAsync().Within());
        Assert.True(await client.ReceivesNothingAsync(Quiet).Within());
        Assert.Equal([id], server.SessionIds());
    }

    [Fact]
    public async Task ASignedInViewerCannotSendOrKickEither()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var viewer = await server.CreateSignedInHttpClientAsync(TestRole.Viewer).Within();

        using var send = await viewer.PostJsonAsync($"/api/sessions/{id}/send", new { text = "viewer was here" }).Within();
        using var kick = await viewer.DeleteAsync($"/api/sessions/{id}").Within();

        Assert.Equal(HttpStatusCode.Forbidden, send.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, kick.StatusCode);
        Assert.True(await client.ReceivesNothingAsync(Quiet).Within());
        Assert.Equal([id], server.SessionIds());
    }

    [Fact]
    public async Task AnOperatorSendsAndKicks()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        using var operatorUser = await server.CreateSignedInHttpClientAsync(TestRole.Operator).Within();

        using var send = await operatorUser.PostJsonAsync($"/api/sessions/{id}/send", new { text = "from the operator" }).Within();
        Assert.Equal("from the operator", await client.ReceiveLineAsync().Within());
        using var kick = await operatorUser.DeleteAsync($"/api/sessions/{id}").Within();

        Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, kick.StatusCode);
        Assert.True(await client.WaitForCloseAsync().Within());
    }

    [Fact]
    public async Task OnlyOperatorsReadTheAuditLog()
    {
        await using var server = await TestServer.StartAsync();
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        using var operatorKey = server.CreateHttpClient(TestRole.Operator);

        using var refused = await viewer.GetAsync("/api/audit").Within();
        using var allowed = await operatorKey.GetAsync("/api/audit").Within();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    /// <summary>The hub hands its commands to <see cref="SessionCommands"/> with the caller's actor, so the
    /// same check refuses a Viewer there, whatever the transport.</summary>
    [Fact]
    public async Task SessionCommandsRefuseViewersAndTheAnonymousWhoeverCallsThem()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        var id = server.SessionIds().Single();
        var commands = server.GetRequiredService<SessionCommands>();
        var viewer = new CommandActor("viewer", "127.0.0.1", SecurityRole.Viewer, ActorKind.User);
        var anonymous = new CommandActor("anonymous", "127.0.0.1");

        var send = await commands.SendAsync(viewer, [id], Encoding.UTF8.GetBytes("nope")).Within();
        var broadcast = await commands.BroadcastAsync(anonymous, "default", Encoding.UTF8.GetBytes("nope")).Within();
        var kick = await commands.KickAsync(viewer, [id], "nope").Within();

        Assert.Equal(CommandStatus.Forbidden, send.Status);
        Assert.Equal(CommandStatus.Forbidden, broadcast.Status);
        Assert.Equal(CommandStatus.Forbidden, kick.Status);
        Assert.Contains("Operator", send.Error);
        Assert.True(await client.ReceivesNothingAsync(Quiet).Within());
        Assert.Equal([id], server.SessionIds());
    }

    [Fact]
    public async Task ListenersReportWhetherTheyUseTls()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        var listeners = await (await http.GetAsync("/api/listeners").Within()).ReadAsync<ListenerInfo[]>().Within();

        Assert.False(Assert.Single(listeners).Tls);
    }
}
