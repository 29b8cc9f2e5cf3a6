using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Connections;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>Registration of configuration, Kestrel endpoints, shutdown drain and health endpoints.</summary>
internal static class HostingExtensions
{
    /// <summary>Binds and validates <see cref="KestrelTcpOptions"/>, binds the TCP listeners and the HTTP
    /// URLs in Kestrel, and sets up graceful shutdown.</summary>
    public static WebApplicationBuilder AddKestrelTcpHosting(this WebApplicationBuilder builder)
    {
        builder.Logging.AddSafeConsole();
        builder.Services.AddSingleton<IValidateOptions<KestrelTcpOptions>, KestrelTcpOptionsValidator>();
        builder.Services.AddOptions<KestrelTcpOptions>()
            .BindConfigurationChecked(KestrelTcpOptions.SectionName)
            .ValidateOnStart();

        // Registered after Kestrel's own socket transport, so Kestrel asks it first; it takes only the
        // endpoints of inline session listeners and leaves the rest to the default transport.
        builder.Services.AddSingleton<SessionTransportFactory>();
        builder.Services.AddSingleton<IConnectionListenerFactory>(services => services.GetRequiredService<SessionTransportFactory>());

        // Registered last, so Kestrel asks it first for every endpoint: each accept waits for a place in
        // the descriptor budget (DescriptorBudget), on the TCP ports and the HTTP ports alike.
        builder.Services.AddSingleton<IConnectionListenerFactory, DescriptorGatedTransportFactory>();
        builder.Services.AddSingleton<IValidateOptions<HttpLimitsOptions>, HttpLimitsOptionsValidator>();
        builder.Services.AddOptions<HttpLimitsOptions>()
            .BindConfiguration(HttpLimitsOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<HttpConnectionBudget>();
        HideListenersFromServerAddresses(builder.Services);
        builder.Services.AddSingleton(MemoryBudget.ForServer);
        builder.Services.AddHostedService<HttpIdleSweeper>();
        builder.Services.AddTransient<IStartupFilter, HttpActivityStartupFilter>();
        var urls = HttpEndpoints.Read(builder.Configuration);
        builder.Services.AddTransient<IStartupFilter, HostingUrlsStartupFilter>();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<ListenerCatalog, SessionRegistry, ILoggerFactory, DescriptorBudget, IServiceProvider>((kestrel, catalog, registry, loggers, budget, services) =>
            {
                var logger = loggers.CreateLogger("KestrelTcp.Server.Sessions.Listener");
                if (budget.Limit > 0)
                {
                    logger.DescriptorBudgetSet(budget.MaxSessions, budget.Limit, budget.OpenAtStart, DescriptorBudget.Reserve);
                    logger.DescriptorSplit(budget.Limit, budget.OpenAtStart, budget.MaxSessions, budget.MaxHttpConnections, budget.MaxAnonymousHttpConnections, DescriptorBudget.Reserve);
                }

                logger.WorstCaseMemory(services.GetRequiredService<MemoryBudget>());

                var http = services.GetRequiredService<IOptions<HttpLimitsOptions>>().Value;
                kestrel.Limits.KeepAliveTimeout = http.KeepAliveTimeout;
                kestrel.Limits.RequestHeadersTimeout = http.RequestHeadersTimeout;
                kestrel.Limits.MaxConcurrentUpgradedConnections = budget.MaxHttpConnections;
                foreach (var listener in catalog.All)
                {
                    KestrelTcpOptionsValidator.TryParseAddress(listener.Options.Address, out var address);
                    // Plain listeners run their sessions inline on the socket thread (SessionTransportFactory);
                    // a TLS handshake is too much work for that thread, so TLS listeners use the thread pool.
                    var inline = listener.Options.InlineScheduling && listener.Options.Tls is null;
                    var endPoint = inline ? new InlineSessionEndPoint(address, listener.Options.Port) : new SessionEndPoint(address, listener.Options.Port);
                    kestrel.Listen(endPoint, listenOptions =>
                    {
                        listener.ListenOptions = listenOptions;
                        // The connection limit runs before the TLS handshake, so a flood of connections
                        // over the limit is refused without costing a handshake each.
                        listenOptions.Use(next => new ListenerConnectionMiddleware(next, listener, registry, budget, logger).OnConnectionAsync);
                        if (listener.Options.Tls is { } tls)
                        {
                            listenOptions.UseHttps(ListenerTls.CreateOptions(listener.Name, tls, logger));
                        }

                        listenOptions.UseConnectionHandler<TcpSessionHandler>();
                    });
                }

                var httpBudget = services.GetRequiredService<HttpConnectionBudget>();
                HttpEndpoints.Bind(kestrel, urls, listenOptions => listenOptions.Use(httpBudget.Middleware));
            });

        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<KestrelTcpOptions>>((host, options) => host.ShutdownTimeout = SessionDrainService.ShutdownTimeout(options.Value.DrainTimeout));
        builder.Services.AddHostedService<SessionDrainService>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("sessions", tags: ["ready"]);

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return builder;
    }

    /// <summary><c>/healthz</c> (live) and <c>/readyz</c> (ready; 503 while draining).</summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        // Open without signing in: probes from load balancers and the container's HEALTHCHECK.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }

    /// <summary>Logs each TCP listener's bound endpoint once Kestrel has started.</summary>
    public static WebApplication LogListenersOnStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KestrelTcp.Server.Sessions.Listener");
            foreach (var listener in app.Services.GetRequiredService<ListenerCatalog>().All)
            {
                logger.ListenerBound(listener.Name, listener.BoundEndPoint is { } bound ? $"tcp://{bound}" : "?", listener.Mode, listener.Options.Framing.ToString());
            }
        });
        return app;
    }

    /// <summary>
    /// Puts <see cref="TcpAddressFilteringServer"/> around the server Kestrel registered, so the host's
    /// "Now listening on:" lines name only the HTTP endpoints.
    /// </summary>
    private static void HideListenersFromServerAddresses(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IServer));
        if (registered is null || registered.IsKeyedService)
        {
            return;
        }

        services.Remove(registered);
        services.AddSingleton<IServer>(provider =>
        {
            var inner = registered switch
            {
                { ImplementationInstance: IServer instance } => instance,
                { ImplementationFactory: { } factory } => (IServer)factory(provider),
                { ImplementationType: { } type } => (IServer)ActivatorUtilities.CreateInstance(provider, type),
                _ => throw new InvalidOperationException("The server's registration names no implementation."),
            };
            return new TcpAddressFilteringServer(inner, provider.GetRequiredService<ListenerCatalog>());
        });
    }

    /// <summary>
    /// The console log through <see cref="SafeConsoleFormatter"/>: values from outside cannot forge lines.
    /// When the console cannot keep up (stdout piped to a log shipper that stalls, a flood of sessions each
    /// logging its close), messages past the logger's queue are dropped, not waited for: the event-loop
    /// threads log session closes, and a logger that blocks them would let a log flood freeze every device.
    /// </summary>
    public static ILoggingBuilder AddSafeConsole(this ILoggingBuilder logging) =>
        logging.AddConsole(options =>
            {
                // Logging:Console:FormatterName (json, systemd, simple) still wins when it is configured.
                options.FormatterName ??= SafeConsoleFormatter.FormatterName;
                options.QueueFullMode = Microsoft.Extensions.Logging.Console.ConsoleLoggerQueueFullMode.DropWrite;
            })
            .AddConsoleFormatter<SafeConsoleFormatter, ConsoleFormatterOptions>();
}
