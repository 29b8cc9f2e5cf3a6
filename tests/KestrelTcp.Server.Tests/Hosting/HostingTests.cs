using System.Net;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Hosting;

public sealed class HostingTests
{
    [Fact]
    public async Task HealthAndReadinessAnswerWhileRunning()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task ReadinessTurnsUnavailableWhileDraining()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        server.GetRequiredService<KestrelTcp.Server.Sessions.SessionRegistry>().BeginDrain();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task PublishesAnOpenApiDocumentWithTheApiRoutes()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateHttpClient();

        var document = await http.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/sessions/{id}/send", document);
        Assert.Contains("/api/listeners/{name}/broadcast", document);
    }

    [Fact]
    public async Task PrintsTheWorstCaseMemoryAtStart()
    {
        var logs = new RecordingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["KestrelTcp:Listeners:default:MaxConnections"] = "1000",
                ["KestrelTcp:History:MaxTotalBytes"] = "8388608",
            },
            configure: b =>
            {
                b.Logging.AddProvider(logs);
                b.Logging.AddFilter(_ => true);
            });

        var line = Assert.Single(logs.Messages, m => m.Contains("[191]", StringComparison.Ordinal));
        var descriptors = server.GetRequiredService<DescriptorBudget>();
        var dashboard = server.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var expected = MemoryBudget.Compute(
            descriptors.MaxSessions,
            [server.GetRequiredService<IOptions<KestrelTcpOptions>>().Value.Listeners["default"]],
            server.GetRequiredService<IOptions<KestrelTcpOptions>>().Value.History,
            dashboard,
            server.GetRequiredService<KestrelTcp.Server.Dashboard.DashboardViewers>().MaxConnections,
            64 * 1024,
            KestrelTcpOptions.DefaultMaxTotalOutboundBytes,
            KestrelTcp.Server.Hosting.EventLoop.LinuxSockets.IsSupported ? KestrelTcp.Server.Hosting.EventLoop.EventLoopTransport.OutputPauseBytes : 0,
            1024 * 1024);
        var sessions = Math.Min(1000, descriptors.MaxSessions);
        var match = Regex.Match(line, @"Worst-case memory is (\d+) MiB for (\d+) sessions: .* history (\d+) MiB");
        Assert.True(match.Success, line);
        Assert.Equal(sessions, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var history = Math.Min(8L << 20, sessions * 16L * 1024);
        Assert.Equal((history + (1 << 20) - 1) >> 20, long.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((expected.TotalBytes + (1 << 20) - 1) >> 20, long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("KestrelTcp:Listeners:default:Port", "70000")]
    [InlineData("KestrelTcp:Listeners:default:Framing:HeaderBytes", "3", "KestrelTcp:Listeners:default:Framing:Kind", "LengthPrefixed")]
    [InlineData("KestrelTcp:Listeners:default:Framing:Delimiter", "zz", "KestrelTcp:Listeners:default:Framing:Kind", "Delimiter")]
    [InlineData("KestrelTcp:Listeners:default:Address", "not-an-ip")]
    [InlineData("KestrelTcp:Listeners:default:OutboundQueueBytes", "10")]
    [InlineData("KestrelTcp:Listeners:default:FanOutSliceDeliveries", "0")]
    [InlineData("KestrelTcp:History:Frames", "-1")]
    [InlineData("KestrelTcp:History:MaxBytesPerSession", "100")]
    [InlineData("KestrelTcp:History:MaxTotalBytes", "1024")]
    [InlineData("KestrelTcp:Dashboard:TrafficBufferBytes", "10")]
    public async Task InvalidConfigurationStopsTheServerNamingTheSetting(string key, string value, string? otherKey = null, string? otherValue = null)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (otherKey is not null)
        {
            settings[otherKey] = otherValue;
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings));

        var message = error is OptionsValidationException validation ? string.Join(" ", validation.Failures) : error.ToString();
        Assert.Contains(key, message);
    }

    [Fact]
    public async Task AnUnknownModeStopsTheServerNamingTheSetting()
    {
        var settings = new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Mode"] = "Shout" };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings));

        Assert.Contains("KestrelTcp:Listeners:default:Mode", error is OptionsValidationException v ? string.Join(" ", v.Failures) : error.ToString());
    }
}
