using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Api;

public sealed class ServerApiTests
{
    [Fact]
    public async Task ReportsSessionsAndMemoryOfTheProcess()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();
        await using var client = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);

        var response = await http.GetAsync("/api/server");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.ReadAsync<ServerInfo>();
        Assert.Equal(1, info.Sessions);
        Assert.True(info.OpenedTotal >= 1);
        Assert.True(info.WorkingSetBytes > 0);
        Assert.True(info.ManagedHeapBytes > 0);
        Assert.False(info.Draining);
    }
}
