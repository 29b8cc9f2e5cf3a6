using System.Text;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelTcp.Server.Tests.Metrics;

/// <summary>With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the metrics are pushed over OTLP to it.</summary>
[Collection(MetricsCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task MetricsArePushedToTheOtlpEndpointWhenOneIsSet()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var collector = await StartCollectorAsync(received);

        await using var server = await MetricsServer.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });
        await using var device = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);

        // OTLP protobuf carries metric names as UTF-8 strings.
        var body = await received.Task.WaitAsync(MetricsServer.Timeout);
        Assert.Contains("kestreltcp.sessions.active", body, StringComparison.Ordinal);
        Assert.Contains("kestreltcp.frames", body, StringComparison.Ordinal);
    }

    private static async Task<Collector> StartCollectorAsync(TaskCompletionSource<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/metrics", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var text = Encoding.UTF8.GetString(body.ToArray());
            if (text.Contains("kestreltcp.sessions.active", StringComparison.Ordinal))
            {
                received.TrySetResult(text);
            }

            return Results.Ok();
        });
        await app.StartAsync().WaitAsync(MetricsServer.Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Collector(app, address);
    }

    private sealed record Collector(WebApplication App, string Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
