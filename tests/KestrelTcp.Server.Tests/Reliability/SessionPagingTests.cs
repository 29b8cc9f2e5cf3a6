using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue 11, item 9: <c>GET /api/sessions?page=2147483647&amp;pageSize=1000</c> overflowed the offset and
/// answered with the first page. A page past the end is empty with the right total; a page or page size
/// out of range is a 400 naming the parameter.
/// </summary>
public sealed class SessionPagingTests
{
    [Theory]
    [InlineData(2147483647, 1000)]
    [InlineData(2147483647, 1)]
    [InlineData(1073741825, 2)]
    [InlineData(4294968, 1000)]
    [InlineData(2, 3)]
    public async Task APagePastTheEndIsEmptyWithTheTotal(int page, int pageSize)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var clients = new List<TestTcpClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await server.ConnectAsync());
        }

        await server.WaitForSessionCountAsync(3);

        var result = await (await http.GetAsync($"/api/sessions?page={page}&pageSize={pageSize}")).ReadAsync<SessionPage>();

        Assert.Empty(result.Items);
        Assert.Equal(3, result.Total);
        Assert.Equal(page, result.Page);
        Assert.Equal(pageSize, result.PageSize);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheLastPageHoldsTheRemainder()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        var clients = new List<TestTcpClient>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await server.ConnectAsync());
        }

        await server.WaitForSessionCountAsync(5);
        var ids = server.SessionIds();

        var last = await (await http.GetAsync("/api/sessions?page=3&pageSize=2")).ReadAsync<SessionPage>();

        Assert.Equal(5, last.Total);
        Assert.Equal(ids[4], Assert.Single(last.Items).Id);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-2147483648", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=-1", "pageSize")]
    [InlineData("pageSize=1001", "pageSize")]
    [InlineData("page=2147483647&pageSize=2147483647", "pageSize")]
    public async Task APageOrPageSizeOutOfRangeIsABadRequestNamingTheParameter(string query, string parameter)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        var response = await http.GetAsync($"/api/sessions?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(parameter + " ", await response.ProblemDetailAsync());
    }

    [Fact]
    public void PagesAreCountedInSixtyFourBits()
    {
        var all = Enumerable.Range(1, 10).ToList();

        Assert.Empty(SessionsApi.PageOf(all, int.MaxValue, SessionsApi.MaxPageSize));
        Assert.Empty(SessionsApi.PageOf(all, int.MaxValue / 2 + 2, 2));
        Assert.Equal([9, 10], SessionsApi.PageOf(all, 5, 2));
        Assert.Equal([10], SessionsApi.PageOf(all, 4, 3));
        Assert.Equal(all, SessionsApi.PageOf(all, 1, SessionsApi.MaxPageSize));
    }
}
