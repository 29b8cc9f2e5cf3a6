using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>
/// Broker mode across nodes: every Broker listener of a clustered node gets a <see cref="ListenerRelay"/>,
/// attached when this service is built (before the host starts, so before any connection), so a frame a
/// Broker session receives here also reaches the same listener's sessions on every other node. Registered
/// only when clustering is on: a single node has no relay, and its Broker listeners pay one null check.
/// </summary>
internal sealed class BrokerRelay : IHostedService
{
    private readonly List<ListenerRelay> _relays = [];

    public BrokerRelay(ListenerCatalog listeners, ClusterRedis redis, LocalNode local, IOptions<BrokerRelayOptions> options, IOptions<ClusterOptions> cluster, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<BrokerRelay>();
        foreach (var listener in listeners.All)
        {
            if (listener.Mode != ListenerMode.Broker)
            {
                continue;
            }

            var relay = new ListenerRelay(listener, options.Value, redis, local.Name, cluster.Value.CommandTimeout, logger);
            listener.AttachRelay(relay.Queue);
            _relays.Add(relay);
        }
    }

    public IReadOnlyList<ListenerRelay> Relays => _relays;

    /// <summary>Completes once every Broker listener takes relayed frames from other nodes.</summary>
    public Task Subscribed => Task.WhenAll(_relays.Select(r => r.Subscribed));

    public ListenerRelay? Find(string listener) =>
        _relays.Find(r => string.Equals(r.ListenerName, listener, StringComparison.OrdinalIgnoreCase));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Redis may be down: the loops start anyway, subscribe when they can and drop (counting) meanwhile.
        foreach (var relay in _relays)
        {
            relay.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_relays.Select(r => r.StopAsync(cancellationToken))).ConfigureAwait(false);
    }
}
