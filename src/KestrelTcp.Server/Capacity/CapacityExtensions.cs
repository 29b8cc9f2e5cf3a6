using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KestrelTcp.Server.Capacity;

/// <summary>Registers the capacity view's monitor (<see cref="CapacityMonitor"/>), read by <c>GET /api/server</c>.</summary>
internal static class CapacityExtensions
{
    public static WebApplicationBuilder AddKestrelTcpCapacity(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new SessionActivity(services.GetRequiredService<SessionRegistry>(), services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<CapacityMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CapacityMonitor>());
        return builder;
    }
}
