using System.Net;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelTcp.Server.Metrics;

/// <summary>
/// Registration and endpoints of metrics: the <c>KestrelTcp</c> meter's instruments, OpenTelemetry with the
/// Prometheus exporter (and OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set) for this meter, Kestrel's,
/// SignalR's and the runtime's; <c>/metrics</c> on the HTTP port for a Viewer, and on
/// <see cref="MetricsOptions.Port"/> without sign-in.
/// </summary>
internal static class MetricsExtensions
{
    /// <summary>The OTLP exporter's standard setting (an environment variable, or any configuration source).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>ASP.NET Core's meters exported beside <see cref="KestrelTcpMeter.Name"/>: Kestrel's
    /// connections (HTTP and TCP listeners alike) and SignalR's.</summary>
    private static readonly string[] FrameworkMeters = ["Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections"];

    public static WebApplicationBuilder AddKestrelTcpMetrics(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddOptions<MetricsOptions>()
            .BindConfigurationChecked(MetricsOptions.SectionName)
            .ValidateOnStart();
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }

        services.AddSingleton<KestrelTcpMeter>();
        services.AddSingleton<SessionDurations>();
        services.AddSingleton<CommandMetrics>();
        services.AddSingleton<SessionInstruments>();
        services.AddSingleton<ServerInstruments>();
        services.AddSingleton<MetricsPort>();

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("kestreltcp", serviceVersion: typeof(MetricsExtensions).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(KestrelTcpMeter.Name).AddMeter(FrameworkMeters).AddRuntimeInstrumentation().AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });

        // The port without sign-in: bound beside the HTTP endpoints, inside the same HTTP connection budget.
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<MetricsOptions>, HttpConnectionBudget, MetricsPort>((kestrel, options, http, port) =>
            {
                if (options.Value.Port is not { } number)
                {
                    return;
                }

                kestrel.Listen(IPAddress.Parse(options.Value.Address), number, listen =>
                {
                    port.ListenOptions = listen;
                    listen.Use(http.Middleware);
                    listen.Use(next => connection =>
                    {
                        connection.Features.Set(MetricsPortFeature.Instance);
                        return next(connection);
                    });
                });
            });
        return builder;
    }

    /// <summary>Answers every request of the metrics port, before sign-in: the scrape at <c>/metrics</c>,
    /// 404 for anything else. Call it before the security middleware.</summary>
    public static WebApplication UseKestrelTcpMetricsPort(this WebApplication app)
    {
        if (app.Services.GetService<MetricsPort>() is null)
        {
            return app;
        }

        app.MapWhen(
            static context => context.Features.Get<MetricsPortFeature>() is not null,
            static port =>
            {
                port.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsOptions.ScrapePath);
                port.Run(static context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
        return app;
    }

    /// <summary>Maps <c>/metrics</c> on the HTTP port for a Viewer (API key or sign-in), creates the
    /// observable instruments, and says at start where metrics go.</summary>
    public static WebApplication MapKestrelTcpMetrics(this WebApplication app)
    {
        if (app.Services.GetService<MetricsPort>() is not { } port)
        {
            return app;
        }

        app.Services.GetRequiredService<SessionInstruments>();
        app.Services.GetRequiredService<ServerInstruments>();
        app.MapPrometheusScrapingEndpoint(MetricsOptions.ScrapePath)
            .RequireAuthorization(AuthorizationPolicies.Viewer)
            .DisableHttpMetrics();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KestrelTcp.Server.Metrics");
            if (port.BoundEndPoint is { } endPoint)
            {
                logger.MetricsPortOpen(endPoint.ToString());
            }

            if (app.Configuration[OtlpEndpointSetting] is { Length: > 0 } otlp)
            {
                logger.OtlpExportOn(otlp);
            }
        });
        return app;
    }

    /// <summary><c>KestrelTcp:Metrics:Enabled</c>, read while the services are registered; a value that is
    /// not a boolean counts as true here and stops the server at validation, naming the setting.</summary>
    private static bool IsEnabled(IConfiguration configuration) =>
        !bool.TryParse(configuration[$"{MetricsOptions.SectionName}:{nameof(MetricsOptions.Enabled)}"], out var enabled) || enabled;
}
