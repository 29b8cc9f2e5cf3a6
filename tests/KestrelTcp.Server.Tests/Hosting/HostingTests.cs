using System.Net;
using KestrelTcp.Testing;
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

    [Theory]
    [InlineData("KestrelTcp:Listeners:default:Port", "70000")]
    [InlineData("KestrelTcp:Listeners:default:Framing:HeaderBytes", "3", "KestrelTcp:Listeners:default:Framing:Kind", "LengthPrefixed")]
    [InlineData("KestrelTcp:Listeners:default:Framing:Delimiter", "zz", "KestrelTcp:Listeners:default:Framing:Kind", "Delimiter")]
    [InlineData("KestrelTcp:Listeners:default:Address", "not-an-ip")]
    [InlineData("KestrelTcp:Listeners:default:OutboundQueueBytes", "10")]
    [InlineData("KestrelTcp:Listeners:default:FanOutSliceDeliveries", "0")]
    [InlineData("KestrelTcp:History:Frames", "-1")]
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
