using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Security;

public sealed class OriginTests
{
    private const string Foreign = "https://evil.example";

    [Fact]
    public async Task AnApiCallFromAForeignOriginIsRefusedWith403EvenWithValidCredentials()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Add("Origin", Foreign);

        using var response = await http.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("AllowedOrigins", await response.ProblemDetailAsync().Within());
    }

    [Fact]
    public async Task AHubWebSocketUpgradeFromAForeignOriginIsRefusedWith403()
    {
        await using var server = await TestServer.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", Foreign);
        socket.Options.SetRequestHeader(AuthSchemes.ApiKeyHeader, server.OperatorApiKey);
        var hub = new UriBuilder(server.HttpAddress) { Scheme = "ws", Path = "/hubs/dashboard" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(hub, CancellationToken.None)).Within();

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task AHubNegotiateFromAForeignOriginIsRefusedWith403()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/dashboard/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", Foreign);

        using var response = await http.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ASignInPostedFromAForeignOriginIsRefused()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = SecurityHttp.CreateBrowser(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = JsonContent.Create(new { userName = server.OperatorUserName, password = server.OperatorPassword }),
        };
        request.Headers.Add("Origin", Foreign);

        using var response = await browser.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("file://")]
    public async Task OpaqueAndOtherPortOriginsAreForeign(string origin)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/listeners");
        request.Headers.TryAddWithoutValidation("Origin", origin);

        using var response = await http.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TheServersOwnOriginAndListedOriginsAreAllowed()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            [$"{SecurityOptions.SectionName}:AllowedOrigins:0"] = "https://ops.example.com/",
        });
        using var http = server.CreateHttpClient();
        var own = server.HttpAddress.GetLeftPart(UriPartial.Authority);

        foreach (var origin in new[] { own, "https://ops.example.com", "HTTPS://OPS.EXAMPLE.COM:443" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/listeners");
            request.Headers.Add("Origin", origin);

            using var response = await http.SendAsync(request).Within();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Origin {origin} answered {(int)response.StatusCode}.");
        }
    }

    [Fact]
    public async Task RequestsWithoutAnOriginAreNotOriginChecked()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync("/api/listeners").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
