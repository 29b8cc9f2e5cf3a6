using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Security;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task EveryApiAndHubRouteAnswers401WithoutCredentials()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateAnonymousHttpClient();
        var routes = ProtectedRoutes(server);
        Assert.Contains(routes, r => r.Path == "/api/sessions/x/send");
        Assert.Contains(routes, r => r.Path == "/api/audit");

        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT")
            {
                request.Content = JsonContent.Create(new { text = "hi", sessionIds = new[] { "x" } });
            }

            using var response = await http.SendAsync(request).Within();

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without credentials.");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task AnInvalidApiKeyIsRefusedWith401()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateAnonymousHttpClient();
        http.DefaultRequestHeaders.Add(AuthSchemes.ApiKeyHeader, "ktcp_not-a-key");

        using var response = await http.GetAsync("/api/sessions").Within();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not valid", await response.ProblemDetailAsync().Within());
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/login.html")]
    [InlineData("/css/login.css")]
    [InlineData("/js/login.js")]
    public async Task HealthAndTheLoginPageAreOpenWithoutSigningIn(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateAnonymousHttpClient();

        using var response = await http.GetAsync(path).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheDashboardRedirectsABrowserToTheLoginPageAndAnswersOthersWith401()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = SecurityHttp.CreateBrowser(server);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");

        using var redirect = await browser.SendAsync(page).Within();
        using var script = await browser.GetAsync("/index.html").Within();

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/login.html", redirect.Headers.Location!.AbsolutePath);
        Assert.Equal("?returnUrl=%2F", redirect.Headers.Location.Query);
        Assert.Equal(HttpStatusCode.Unauthorized, script.StatusCode);
    }

    [Fact]
    public async Task SigningInSetsAStrictHttpOnlyCookieThatOpensTheDashboardAndTheApi()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = SecurityHttp.CreateBrowser(server);

        using var login = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);
        var me = await login.ReadAsync<CurrentUser>().Within();
        using var dashboard = await browser.GetAsync("/").Within();
        using var api = await browser.GetAsync("/api/sessions").Within();

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{AuthSchemes.CookieName}=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(server.OperatorUserName, me.Name);
        Assert.Equal(SecurityRole.Operator, me.Role);
        Assert.Equal(ActorKind.User, me.Kind);
        Assert.InRange(me.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task MeTellsWhoIsSignedInAndLogoutEndsIt()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = SecurityHttp.CreateBrowser(server);
        (await browser.LoginAsync(server.ViewerUserName, server.ViewerPassword)).Dispose();

        var me = await browser.GetFromJsonAsync<CurrentUser>("/auth/me", Json.Options).Within();
        using var logout = await browser.PostAsync("/auth/logout", null).Within();
        using var after = await browser.GetAsync("/auth/me").Within();

        Assert.Equal(new CurrentUser(server.ViewerUserName, SecurityRole.Viewer, ActorKind.User, me!.ExpiresAt), me);
        Assert.InRange(me.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AnApiKeyIsWhoItSaysWithNoExpiry()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Viewer);

        var me = await http.GetFromJsonAsync<CurrentUser>("/auth/me", Json.Options).Within();

        Assert.Equal(new CurrentUser(TestCredentials.ViewerKeyName, SecurityRole.Viewer, ActorKind.ApiKey, null), me);
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownUserGetTheSame401()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = SecurityHttp.CreateBrowser(server);

        using var wrongPassword = await browser.LoginAsync(server.OperatorUserName, "not-the-password");
        using var unknownUser = await browser.LoginAsync("nobody", "not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal(await wrongPassword.ProblemDetailAsync(), await unknownUser.ProblemDetailAsync());
        Assert.False(wrongPassword.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task AFormPostSignsInAndRedirectsOnlyToALocalPage()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = SecurityHttp.CreateBrowser(server);

        using var local = await browser.PostAsync("/auth/login", Form(server.OperatorUserName, server.OperatorPassword, "/index.html?tab=audit")).Within();
        using var foreign = await browser.PostAsync("/auth/login", Form(server.OperatorUserName, server.OperatorPassword, "//evil.example/")).Within();
        using var wrong = await browser.PostAsync("/auth/login", Form(server.OperatorUserName, "wrong", "/")).Within();

        Assert.Equal(HttpStatusCode.Redirect, local.StatusCode);
        Assert.Equal("/index.html?tab=audit", local.Headers.Location!.OriginalString);
        Assert.Equal("/", foreign.Headers.Location!.OriginalString);
        Assert.StartsWith("/login.html?error=invalid", wrong.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task TheSignInEndsAfterEightHoursWithoutActivityAndSlidesWithIt()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        using var active = SecurityHttp.CreateBrowser(server);
        using var idle = SecurityHttp.CreateBrowser(server);
        (await active.LoginAsync(server.OperatorUserName, server.OperatorPassword)).Dispose();
        (await idle.LoginAsync(server.ViewerUserName, server.ViewerPassword)).Dispose();

        clock.Advance(TimeSpan.FromHours(5));
        using var renewed = await active.GetAsync("/auth/me").Within();
        clock.Advance(TimeSpan.FromHours(4));
        using var activeAfterNine = await active.GetAsync("/auth/me").Within();
        using var idleAfterNine = await idle.GetAsync("/auth/me").Within();

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, activeAfterNine.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, idleAfterNine.StatusCode);
    }

    [Fact]
    public async Task ASignInSurvivesARestartOnTheSameDataFolder()
    {
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        var cookies = new CookieContainer();
        try
        {
            await using (var first = await TestServer.StartAsync(dataPath: data, keepDataPath: true))
            {
                using var browser = SecurityHttp.CreateBrowser(first, cookies);
                (await browser.LoginAsync(first.OperatorUserName, first.OperatorPassword)).Dispose();
            }

            Assert.NotEmpty(Directory.GetFiles(Path.Combine(data, "keys"), "key-*.xml"));
            await using var second = await TestServer.StartAsync(dataPath: data);
            var cookie = cookies.GetAllCookies().Single(c => c.Name == AuthSchemes.CookieName);
            using var http = second.CreateAnonymousHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/me");
            request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");

            using var response = await http.SendAsync(request).Within();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task ACookieIssuedBeforeThePasswordChangedStopsWorking()
    {
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        var cookies = new CookieContainer();
        await using (var first = await TestServer.StartAsync(dataPath: data, keepDataPath: true))
        {
            using var browser = SecurityHttp.CreateBrowser(first, cookies);
            (await browser.LoginAsync(first.OperatorUserName, first.OperatorPassword)).Dispose();
        }

        var newHash = PasswordHasher.Hash("a-new-password-for-operator", PasswordHasher.MinIterations);
        await using var second = await TestServer.StartAsync(
            new Dictionary<string, string?> { [$"{SecurityOptions.SectionName}:Users:{TestCredentials.OperatorUserName}:PasswordHash"] = newHash },
            dataPath: data);
        var cookie = cookies.GetAllCookies().Single(c => c.Name == AuthSchemes.CookieName);
        using var http = second.CreateAnonymousHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/auth/me");
        request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");

        using var response = await http.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static FormUrlEncodedContent Form(string userName, string password, string returnUrl) => new(new Dictionary<string, string>
    {
        ["userName"] = userName,
        ["password"] = password,
        ["returnUrl"] = returnUrl,
    });

    /// <summary>Every mapped API and hub endpoint, with route parameters filled in.</summary>
    private static List<(string Method, string Path)> ProtectedRoutes(TestServer server)
    {
        var routes = new List<(string, string)>();
        foreach (var endpoint in server.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            var raw = "/" + pattern.RawText?.TrimStart('/');
            if (!raw.StartsWith("/api", StringComparison.Ordinal) && !raw.StartsWith("/hubs", StringComparison.Ordinal) && !raw.StartsWith("/openapi", StringComparison.Ordinal))
            {
                continue;
            }

            var path = "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternParameterPart parameter => parameter.Name == "documentName" ? "v1" : "x",
                _ => "x",
            }))));
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            routes.AddRange(methods.Select(m => (m, path)));
        }

        return routes;
    }
}
