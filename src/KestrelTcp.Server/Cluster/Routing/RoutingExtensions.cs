using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>Registration of the command channel: only when clustering is on.</summary>
internal static class RoutingExtensions
{
    public static IServiceCollection AddClusterRouting(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<CommandChannelOptions>, CommandChannelOptionsValidator>();
        services.AddOptions<CommandChannelOptions>()
            .BindConfigurationChecked(ClusterOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<NodeRequestHandler>();
        services.AddSingleton<CommandChannel>();
        services.AddSingleton<RemoteDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<CommandChannel>());
        return services;
    }
}
