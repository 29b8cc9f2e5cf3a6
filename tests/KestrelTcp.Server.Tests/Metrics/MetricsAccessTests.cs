using System.Net;
using System.Net.Sockets;
using KestrelTcp.Server.Metrics;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Metrics;

/// <summary>Who may read <c>/metrics</c>, where, and what a bad metrics setting does.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task MetricsWithoutCredentialsAre401()
    {
        await using var server = await MetricsServer.StartAsync();
        using var anonymous = server.CreateAnonymousHttpClient();

        using var response = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative)).WaitAsync(MetricsServer.Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("kestreltcp_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AViewerApiKeyAndASignedInViewerMayScrape()
    {
        await using var server = await MetricsServer.StartAsync();
        using var apiKey = server.CreateHttpClient(TestRole.Viewer);
        using var signedIn = await server.CreateSignedInHttpClientAsync(TestRole.Viewer);

        Assert.True((await apiKey.ScrapeAsync()).Has("kestreltcp_sessions_active"));
        Assert.True((await signedIn.ScrapeAsync()).Has("kestreltcp_sessions_active"));
    }

    [Fact]
    public async Task NoMetricsPortIsOpenByDefault()
    {
        await using var server = await MetricsServer.StartAsync();

        Assert.Null(server.GetRequiredService<MetricsPort>().BoundEndPoint);
        var addresses = server.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Equal([server.HttpAddress.ToString().TrimEnd('/')], addresses); // the HTTP port alone: the TCP listener is not an HTTP address
    }

    [Fact]
    public async Task TheMetricsPortServesTheScrapeWithoutSignInAndNothingElse()
    {
        await using var server = await MetricsServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Metrics:Port"] = "0",
            ["KestrelTcp:Metrics:Address"] = "127.0.0.1",
        });
        var port = server.GetRequiredService<MetricsPort>().BoundEndPoint;
        Assert.NotNull(port);
        Assert.NotEqual(server.HttpAddress.Port, port.Port);
        await using var device = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.Port}/"), Timeout = MetricsServer.Timeout };

        var scrape = await anonymous.ScrapeAsync();
        Assert.Equal(1, scrape.Value("kestreltcp_sessions_active", "listener=default"));

        foreach (var path in new[] { "/api/sessions", "/", "/index.html", "/hubs/dashboard/negotiate", "/healthz" })
        {
            using var other = await anonymous.GetAsync(new Uri(path, UriKind.Relative)).WaitAsync(MetricsServer.Timeout);
            Assert.True(other.StatusCode == HttpStatusCode.NotFound, $"{path} on the metrics port answered {(int)other.StatusCode}");
        }

        // The HTTP port still wants credentials.
        using var main = await server.CreateAnonymousHttpClient().GetAsync(new Uri("/metrics", UriKind.Relative)).WaitAsync(MetricsServer.Timeout);
        Assert.Equal(HttpStatusCode.Unauthorized, main.StatusCode);
    }

    [Theory]
    [InlineData("Port", "70000", "KestrelTcp:Metrics:Port")]
    [InlineData("Port", "-1", "KestrelTcp:Metrics:Port")]
    [InlineData("Port", "ninety", "KestrelTcp:Metrics:Port")]
    [InlineData("Address", "not-an-address", "KestrelTcp:Metrics:Address")]
    [InlineData("Enabled", "sometimes", "KestrelTcp:Metrics:Enabled")]
    public async Task ABadMetricsSettingStopsTheServerNamingIt(string setting, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [$"KestrelTcp:Metrics:{setting}"] = value };
        if (setting == "Address")
        {
            settings["KestrelTcp:Metrics:Port"] = "0";
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings)).WaitAsync(MetricsServer.Timeout);

        Assert.Contains(named, error is OptionsValidationException validation ? string.Join(" ", validation.Failures) : error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMetricsPortOnAListenersPortStopsTheServerNamingBoth()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        taken.Stop();
        var settings = new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KestrelTcp:Metrics:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings)).WaitAsync(MetricsServer.Timeout);

        var message = string.Join(" ", error.Failures);
        Assert.Contains("KestrelTcp:Metrics:Port", message, StringComparison.Ordinal);
        Assert.Contains("KestrelTcp:Listeners:default:Port", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMetricsPortOnTheHttpPortStopsTheServerNamingIt()
    {
        var port = FreePort.Pick().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["KestrelTcp:Metrics:Port"] = port,
        };

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings)).WaitAsync(MetricsServer.Timeout);

        Assert.Contains("KestrelTcp:Metrics:Port", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledMetricsServeNoScrapeEndpoint()
    {
        await using var server = await MetricsServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Metrics:Enabled"] = "false" });
        using var http = server.CreateHttpClient(TestRole.Viewer);

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative)).WaitAsync(MetricsServer.Timeout);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
