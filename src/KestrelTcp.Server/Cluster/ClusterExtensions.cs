using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster;

/// <summary>Registration of the cluster. Without <c>KestrelTcp:Cluster:Redis</c> only the single-node view is
/// registered: no Redis connection, no background loop, no backplane.</summary>
internal static class ClusterExtensions
{
    public static WebApplicationBuilder AddKestrelTcpCluster(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
        builder.Services.AddOptions<ClusterOptions>()
            .BindConfigurationChecked(ClusterOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<LocalNode>();
        builder.Services.AddSingleton<ClusterCommands>();
        builder.Services.AddSingleton<ClusterQueries>();

        var options = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        if (!options.Enabled)
        {
            builder.Services.AddSingleton<IClusterView, SingleNodeView>();
            return builder;
        }

        builder.Services.AddSingleton<ClusterRedis>();
        builder.Services.AddClusterRouting();
        builder.Services.TryAddSingleton<IClusterView, SingleNodeView>();
        return builder;
    }
}
