using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Server.Security;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The hub's side of the security model: refused commands are audited, and a browser's
/// connection does not outlive its sign-in.</summary>
public sealed class DashboardHubSecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public async Task AViewersSendAndKickAreRefusedAndAuditedAsDenied()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);
        await using var viewer = await HubProbe.ConnectAsync(server, TestRole.Viewer);

        var send = await viewer.InvokeAsync<CommandReply>(nameof(DashboardHub.Send), new SendCommand([id], "hello", null));
        var kick = await viewer.InvokeAsync<CommandReply>(nameof(DashboardHub.Kick), new KickCommand([id], "not allowed"));

        Assert.False(send.Ok);
        Assert.False(kick.Ok);
        Assert.True(await client.ReceivesNothingAsync(TimeSpan.FromMilliseconds(300)));
        using var operatorApi = server.CreateHttpClient();
        var page = await operatorApi.GetFromJsonAsync<AuditPage>(new Uri("/api/audit", UriKind.Relative), Json).WaitAsync(Timeout);
        Assert.NotNull(page);
        Assert.Equal(2, page.Total);

        // Newest first: the kick, then the send.
        var (deniedKick, deniedSend) = (page.Items[0], page.Items[1]);
        Assert.Equal(AuditAction.Kick, deniedKick.Action);
        Assert.Equal(AuditAction.Send, deniedSend.Action);
        foreach (var record in page.Items)
        {
            Assert.Equal(AuditResult.Denied, record.Result);
            Assert.Equal(TestCredentials.ViewerKeyName, record.Actor);
            Assert.Equal(ActorKind.ApiKey, record.ActorKind);
            Assert.Equal(SecurityRole.Viewer, record.Role);
            Assert.Equal(new[] { id }, record.Sessions);
            Assert.Equal("127.0.0.1", record.Source);
        }

        Assert.Equal(5, deniedSend.PayloadBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("hello"u8)), deniedSend.PayloadSha256);
        Assert.Null(deniedKick.PayloadBytes);
        Assert.True(deniedSend.Id < deniedKick.Id);
    }

    [Fact]
    public async Task ClosesACookieSignedInConnectionWhenTheSignInExpires()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Security:LoginExpiry"] = "00:00:04",
        });
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.HttpAddress };
        var (userName, password) = TestCredentials.User(TestRole.Operator);
        DateTimeOffset expiresAt;
        using (var login = await http.PostAsJsonAsync("/auth/login", new { userName, password }).WaitAsync(Timeout))
        {
            Assert.True(login.IsSuccessStatusCode, $"Sign-in failed: {login.StatusCode}");
            var me = await login.Content.ReadFromJsonAsync<CurrentUser>(Json).WaitAsync(Timeout);
            expiresAt = Assert.IsType<DateTimeOffset>(me?.ExpiresAt);
        }

        // The cookie as issued at sign-in. The sign-in slides: a request in the second half of its
        // lifetime (the hub's negotiate or WebSocket request, on a slow machine) renews the cookie in
        // the container, and a renewed cookie is rightly still good after the original one ran out.
        var issued = Copy(cookies, server.HttpAddress);
        await using var connection = CookieConnection(server, cookies);
        var closed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult(DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        };

        await connection.StartAsync().WaitAsync(Timeout);
        Assert.Equal(HubConnectionState.Connected, connection.State);
        var closedAt = await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // It closed because the sign-in ran out, not before (a renewal can only make it later) ...
        Assert.True(closedAt >= expiresAt.AddMilliseconds(-250), $"Closed at {closedAt:O}, before the sign-in expired at {expiresAt:O}.");

        // ... and the cookie it was signed in with is refused once that time has passed.
        var wait = expiresAt.AddMilliseconds(100) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await using var again = CookieConnection(server, issued);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => again.StartAsync().WaitAsync(Timeout));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    private static CookieContainer Copy(CookieContainer cookies, Uri address)
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in cookies.GetCookies(address))
        {
            copy.Add(address, new Cookie(cookie.Name, cookie.Value));
        }

        Assert.NotEmpty(copy.GetCookies(address));
        return copy;
    }

    private static HubConnection CookieConnection(TestServer server, CookieContainer cookies) => new HubConnectionBuilder()
        .WithUrl(new Uri(server.HttpAddress, DashboardExtensions.HubPath.TrimStart('/')), options => options.Cookies = cookies)
        .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();
}
