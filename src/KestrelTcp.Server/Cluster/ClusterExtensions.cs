using KestrelTcp.Server.Cluster.Relay;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Security;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

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
        builder.Services.AddSingleton<NodeDrain>();
        builder.Services.AddSingleton<ClusterCommands>();
        builder.Services.AddSingleton<ClusterQueries>();

        var options = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        if (!options.Enabled)
        {
            builder.Services.AddSingleton<IClusterView, SingleNodeView>();
            return builder;
        }

        builder.Services.AddSingleton<ClusterRedis>();

        // Failed sign-ins and invalid API keys count on every node, and a lock made on one holds on all.
        builder.Services.AddSingleton<RedisFailureStore>();
        builder.Services.AddSingleton<ISharedFailureStore>(services => services.GetRequiredService<RedisFailureStore>());
        builder.Services.AddClusterRouting();
        builder.Services.AddBrokerRelay();
        builder.Services.AddSingleton<RedisClusterDirectory>();
        // TryAdd: a test may put its own view in first (the routing tests name owners themselves).
        builder.Services.TryAddSingleton<IClusterView>(services => services.GetRequiredService<RedisClusterDirectory>());
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisClusterDirectory>());

        // An operator's edit of a device (alias, tags, notes, forget) reaches every node's registry.
        builder.Services.AddSingleton<ClusterDeviceEdits>();
        builder.Services.Replace(ServiceDescriptor.Singleton<Devices.IDeviceEdits>(services => services.GetRequiredService<ClusterDeviceEdits>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<ClusterDeviceEdits>());

        // A sign-in cookie from one node works on every node: the Data Protection key ring is shared
        // in Redis (PostConfigure: it replaces the data-folder repository the security setup names).
        builder.Services.AddOptions<KeyManagementOptions>()
            .PostConfigure<ClusterRedis>((keys, redis) =>
                keys.XmlRepository = new RedisXmlRepository(() => redis.ConnectAsync().GetAwaiter().GetResult().GetDatabase(), $"{redis.Keys.Prefix}:dataprotection-keys"));

        // Dashboard pushes reach browsers on any node: SignalR's Redis backplane, on the node's one connection.
        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>()
            .Configure<ClusterRedis>((signalr, redis) =>
            {
                signalr.Configuration.ChannelPrefix = RedisChannel.Literal($"{redis.Keys.Prefix}:signalr");
                signalr.ConnectionFactory = async _ => await redis.ConnectAsync().ConfigureAwait(false);
            });
        return builder;
    }
}
