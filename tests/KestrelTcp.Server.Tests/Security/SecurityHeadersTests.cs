using System.Net;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Security;

public sealed class SecurityHeadersTests
{
    [Theory]
    [InlineData("/login.html", HttpStatusCode.OK)]
    [InlineData("/js/login.js", HttpStatusCode.OK)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/api/sessions", HttpStatusCode.Unauthorized)]
    [InlineData("/index.html", HttpStatusCode.Unauthorized)]
    public async Task EveryResponseCarriesAStrictContentSecurityPolicyAndNoSniff(string path, HttpStatusCode status)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateAnonymousHttpClient();

        using var response = await http.GetAsync(path).Within();

        Assert.Equal(status, response.StatusCode);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task TheLoginPageUsesNoInlineScriptOrStyle()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateAnonymousHttpClient();

        var html = await http.GetStringAsync("/login.html").Within();

        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("\\son[a-z]+=", html);
        Assert.Contains("src=\"js/login.js\"", html);
    }
}
