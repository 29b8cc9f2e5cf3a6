using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>Registration of the Broker relay between nodes: only when clustering is on.</summary>
internal static class RelayExtensions
{
    public static IServiceCollection AddBrokerRelay(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<BrokerRelayOptions>, BrokerRelayOptionsValidator>();
        services.AddOptions<BrokerRelayOptions>()
            .BindConfigurationChecked(ClusterOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<BrokerRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<BrokerRelay>());
        return services;
    }
}
