using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Metrics;

public sealed class ScrapeDumpTests
{
    [Fact]
    public async Task Dump()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("hello");
        await server.WaitForSessionCountAsync(1);
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var text = await http.GetStringAsync("/metrics");
        await File.WriteAllTextAsync("/tmp/metrics-dump.txt", text);
    }
}
