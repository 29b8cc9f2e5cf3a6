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
        var api = app.MapGroup("/api");
        api.MapSessionsApi();
        api.MapListenersApi();
        app.MapOpenApi();
        return app;
    }
}
