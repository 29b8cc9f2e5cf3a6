using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Api;

/// <summary>Registration and routes of the JSON API under <c>/api</c>.</summary>
internal static class ApiExtensions
{
    public static WebApplicationBuilder AddKestrelTcpApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapKestrelTcpApi(this WebApplication app)
    {
        // Reading needs a signed-in Viewer (or Operator); commands add the Operator policy per endpoint.
        var api = app.MapGroup("/api").RequireAuthorization(AuthorizationPolicies.Viewer);
        api.MapSessionsExportApi();
        api.MapSessionsApi();
        api.MapSessionDeviceApi();
        api.MapDevicesApi();
        api.MapRulesApi();
        api.MapTagsApi();
        api.MapListenersApi();
        api.MapAuditApi();
        api.MapServerApi();
        api.MapNodesApi();
        api.MapDeviceMessagesApi();
        api.MapFramingLabApi();
        api.MapConnectionsApi();
        api.MapRecordingsApi();
        api.MapSchedulesApi();
        api.MapWebhooksApi();
        app.MapOpenApi();
        return app;
    }
}
