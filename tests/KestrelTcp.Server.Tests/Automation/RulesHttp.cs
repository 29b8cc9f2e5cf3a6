using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Automation;

/// <summary>Rules through the API, as an Operator.</summary>
internal static class RulesHttp
{
    public static async Task<RuleInfo> CreateAsync(TestServer server, object rule)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.PostAsJsonAsync("/api/rules", rule).Within();
        var body = await response.Content.ReadAsStringAsync().Within();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return await response.ReadAsync<RuleInfo>().Within();
    }

    /// <summary>Posts a rule that must be refused, and returns the ProblemDetails' detail.</summary>
    public static async Task<string> RefusedAsync(TestServer server, object rule)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.PostAsJsonAsync("/api/rules", rule).Within();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>().Within();
        return problem.Detail!;
    }

    public static async Task<RuleInfo> GetAsync(TestServer server, long id)
    {
        using var http = server.CreateHttpClient(TestRole.Viewer);
        return (await http.GetFromJsonAsync<RuleInfo>($"/api/rules/{id}", Json.Options).Within())!;
    }

    public static async Task<List<RuleInfo>> ListAsync(TestServer server, string? listener = null)
    {
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var query = listener is null ? string.Empty : $"?listener={listener}";
        return (await http.GetFromJsonAsync<List<RuleInfo>>($"/api/rules{query}", Json.Options).Within())!;
    }

    public static async Task PostAsync(TestServer server, string path, object? body = null)
    {
        using var http = server.CreateHttpClient();
        using var response = await http.PostAsJsonAsync(path, body ?? new { }).Within();
        var text = await response.Content.ReadAsStringAsync().Within();
        Assert.True(response.IsSuccessStatusCode, text);
    }
}
