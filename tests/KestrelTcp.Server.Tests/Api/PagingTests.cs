using System.Net;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Api;

/// <summary>Every paged list refuses a page or page size out of range with a 400 naming the parameter and its bound.</summary>
public sealed class PagingTests
{
    [Theory]
    [InlineData("/api/sessions?page=0", "page must be 1 or more (was 0).")]
    [InlineData("/api/sessions?pageSize=1001", "pageSize must be between 1 and 1000 (was 1001).")]
    [InlineData("/api/devices?page=-3", "page must be 1 or more (was -3).")]
    [InlineData("/api/devices?pageSize=0", "pageSize must be between 1 and 1000 (was 0).")]
    [InlineData("/api/audit?pageSize=501", "pageSize must be between 1 and 500 (was 501).")]
    [InlineData("/api/audit?page=0", "page must be 1 or more (was 0).")]
    public async Task APageOrPageSizeOutOfRangeIsA400NamingIt(string url, string detail)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, await response.ProblemDetailAsync());
    }
}
