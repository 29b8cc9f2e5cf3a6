using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace KestrelTcp.Server.Tests.Metrics;

/// <summary>Starts test servers for the metrics tests and scrapes them.</summary>
internal static class MetricsServer
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>A test server whose scrapes are never served from the exporter's 300 ms response cache, so
    /// a scrape right after a change shows it.</summary>
    public static Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestServer.StartAsync(settings, builder =>
            builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0));

    /// <summary>Scrapes <c>/metrics</c> with <paramref name="http"/>, failing on anything but 200.</summary>
    public static async Task<PrometheusScrape> ScrapeAsync(this HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative)).WaitAsync(Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {text}");
        return new PrometheusScrape(text);
    }
}
