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
        app.UseWhen(
            http => http.Request.Path.StartsWithSegments(HubPath, StringComparison.OrdinalIgnoreCase),
            hub => hub.Use(RefusePastTheCapsAsync));

        // The buffers between SignalR and the socket, set here on purpose rather than left to
        // SignalR's defaults: TransportMaxBufferSize bounds what waits to be written to one browser
        // beyond the push being written (the publisher holds the rest, at most MaxViewerBacklogBytes),
        // ApplicationMaxBufferSize what a browser's messages may fill before SignalR stops reading it
        // (MaximumReceiveMessageSize is the separate cap on one message).
        app.MapHub<DashboardHub>(HubPath, options =>
        {
            options.CloseOnAuthenticationExpiration = true;
            options.TransportMaxBufferSize = TransportBufferBytes;
            options.ApplicationMaxBufferSize = ApplicationBufferBytes;
        });
        return app;
    }

    /// <summary>SignalR's outgoing pipe per connection, in bytes (its own default too, 64 KiB).</summary>
    internal const long TransportBufferBytes = 64 * 1024;

    /// <summary>SignalR's incoming pipe per connection, in bytes (its own default too, 64 KiB).</summary>
    internal const long ApplicationBufferBytes = 64 * 1024;

    /// <summary>
    /// Refuses a new hub connection past a cap before it is made: a negotiation, or a WebSocket that skips
    /// it (no <c>id</c>), from a signed-in caller gets a 429 ProblemDetails that names the limit. Requests
    /// of connections already made (with an <c>id</c>) and unauthenticated ones (the hub answers 401) pass.
    /// </summary>
    private static async Task RefusePastTheCapsAsync(HttpContext http, Func<Task> next)
    {
        var opens = http.Request.Path.StartsWithSegments(HubPath + "/negotiate", StringComparison.OrdinalIgnoreCase)
            || (http.WebSockets.IsWebSocketRequest && !http.Request.Query.ContainsKey("id"));
        if (opens && http.User.Identity?.IsAuthenticated == true)
        {
            var viewers = http.RequestServices.GetRequiredService<DashboardViewers>();
            if (viewers.CheckAdmission(DashboardViewers.UserKey(Api.ApiResults.Actor(http))) is { } refusal)
            {
                await Results.Problem(refusal, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many dashboard connections")
                    .ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
        }

        await next().ConfigureAwait(false);
    }
}
