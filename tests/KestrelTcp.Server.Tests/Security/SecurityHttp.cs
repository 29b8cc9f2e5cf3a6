using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Security;

/// <summary>HTTP steps the security tests share: signing in, reading the audit log.</summary>
internal static class SecurityHttp
{
    /// <summary>A client with its own cookie jar and no automatic redirects, like a fresh browser tab.</summary>
    public static HttpClient CreateBrowser(TestServer server, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = server.HttpAddress,
            Timeout = Bounded.Timeout,
        };

    public static Task<HttpResponseMessage> LoginAsync(this HttpClient http, string userName, string password) =>
        http.PostAsJsonAsync("/auth/login", new { userName, password }).Within();

    /// <summary>The newest audit records (read with the Operator key).</summary>
    public static async Task<AuditPage> ReadAuditAsync(TestServer server, int page = 1, int pageSize = 100)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.GetAsync($"/api/audit?page={page}&pageSize={pageSize}").Within();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync<AuditPage>().Within();
    }

    /// <summary>The audit records of <paramref name="action"/>, newest first.</summary>
    public static async Task<List<AuditRecord>> ReadAuditAsync(TestServer server, AuditAction action) =>
        [.. (await ReadAuditAsync(server)).Items.Where(r => r.Action == action)];
}
