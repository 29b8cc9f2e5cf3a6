using System.Text.Json.Serialization;
using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Dashboard;

/// <summary>Registration and route of the dashboard hub and its publisher.</summary>
internal static class DashboardExtensions
{
    /// <summary>The hub's route.</summary>
    public const string HubPath = "/hubs/dashboard";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        builder.Services.AddOptions<DashboardOptions>()
            .BindConfigurationChecked(DashboardOptions.SectionName)
            .ValidateOnStart();

        // AddHubOptions first: it registers SignalR's copy of the global hub options onto this hub's,
        // which must run before (not after, overwriting) the limit configured below.
        builder.Services.AddSignalR()
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .AddHubOptions<DashboardHub>(_ => { });
        builder.Services.AddOptions<HubOptions<DashboardHub>>()
            .Configure<IOptions<DashboardOptions>>((hub, options) => hub.MaximumReceiveMessageSize = options.Value.MaxCommandBytes);

        builder.Services.AddSingleton<DashboardViewers>();
        builder.Services.AddSingleton<DashboardCommands>();
        builder.Services.AddHostedService<DashboardPublisher>();
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        // A dashboard left open all day must not outlive its sign-in: the connection closes when the
        // sign-in expires, and the browser's reconnect then meets a 401 and goes to the sign-in page.
        app.MapHub<DashboardHub>(HubPath, options => options.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
