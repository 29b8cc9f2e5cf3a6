using KestrelTcp.Server.Api;
using KestrelTcp.Server.Automation.Outbound;
using KestrelTcp.Server.Automation.Recording;
using KestrelTcp.Server.Automation.Rules;
using KestrelTcp.Server.Automation.Schedules;
using KestrelTcp.Server.Automation.Webhooks;
using KestrelTcp.Server.Capacity;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Devices.History;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Metrics;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server;

/// <summary>
/// Builds the server: the table of contents of the app. <c>Program</c> runs it; tests build it with
/// their own configuration on port 0.
/// </summary>
public static class KestrelTcpApplication
{
    /// <summary>Builds the app. <paramref name="configure"/> runs first, so it can replace configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json and wwwroot/ are linked into the output folder, so the app finds them
            // wherever it is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        builder.AddKestrelTcpHosting();
        builder.AddTcpSessions();
        builder.AddDeviceRegistry();
        builder.AddDeviceHistory();
        builder.AddAutoReplyRules();
        builder.AddKestrelTcpCluster();
        builder.AddKestrelTcpApi();
        builder.AddKestrelTcpSecurity();
        builder.AddDashboard();
        builder.AddKestrelTcpMetrics();
        builder.AddSchedules();
        builder.AddWebhooks();
        builder.AddKestrelTcpCapacity();
        builder.AddOutboundConnections();
        builder.AddRecordings();

        var app = builder.Build();
        app.UseKestrelTcpSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseKestrelTcpMetricsPort();
        app.UseKestrelTcpSecurity();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapHealthEndpoints();
        app.MapAuthEndpoints();
        app.MapKestrelTcpApi();
        app.MapDashboard();
        app.MapKestrelTcpMetrics();
        app.LogListenersOnStart();
        return app;
    }
}
