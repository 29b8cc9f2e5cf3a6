using KestrelTcp.Server.Hosting;
namespace KestrelTcp.Server.Sessions;

/// <summary>Registration of the session layer.</summary>
internal static class SessionServiceExtensions
{
    public static WebApplicationBuilder AddTcpSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ListenerCatalog>();
        builder.Services.AddSingleton<SessionEvents>();
        builder.Services.AddSingleton(services => new DeviceDirectory(DeviceObservers.Combine(services.GetServices<IDeviceObserver>())));
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddSingleton<DescriptorBudget>();
        builder.Services.AddSingleton(services => new HistoryBudget(
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KestrelTcpOptions>>().Value.History.MaxTotalBytes,
            services.GetRequiredService<ILoggerFactory>().CreateLogger("KestrelTcp.Server.Sessions.SessionHistory")));
        builder.Services.AddSingleton<SessionCommands>();
        builder.Services.AddSingleton<IdleSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IdleSweeper>());
        return builder;
    }
}
