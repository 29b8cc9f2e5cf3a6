using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// The cluster directory on Redis, EMQX-style: this node publishes its live sessions and a heartbeat
/// (<see cref="RedisClusterDirectory"/>.Publish.cs) and keeps a view of every other node's
/// (.View.cs). Both run on this service's own loops; the data path never calls Redis, and a Redis that
/// is down or slow only makes the view stale and <see cref="DegradedReason"/> say so. When Redis comes
/// back (a restart loses everything: no persistence is assumed) this node writes its entries again and
/// reloads the others', without a restart.
/// </summary>
internal sealed partial class RedisClusterDirectory : BackgroundService, IClusterView
{
    private readonly ClusterRedis _redis;
    private readonly LocalNode _local;
    private readonly SessionRegistry _registry;
    private readonly ClusterOptions _options;
    private readonly ILogger<RedisClusterDirectory> _logger;
    private readonly TimeProvider _time;
    private readonly Microsoft.AspNetCore.Hosting.Server.IServer? _server;
    private readonly int _closedCapacity;
    private readonly ListenerCatalog _listeners;
    private ConnectionMultiplexer? _connection;
    private volatile string? _degraded = "Connecting to Redis.";
    private int _lost = 1;

    public RedisClusterDirectory(ClusterRedis redis, LocalNode local, SessionRegistry registry, ListenerCatalog listeners, IOptions<ClusterOptions> options, IOptions<Hosting.KestrelTcpOptions> server, ILogger<RedisClusterDirectory> logger, Microsoft.AspNetCore.Hosting.Server.IServer? http = null, TimeProvider? time = null)
    {
        _server = http;
        _listeners = listeners;
        _closedCapacity = Math.Max(1, server.Value.RecentlyClosedCapacity);
        _redis = redis;
        _local = local;
        _registry = registry;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _deltas = System.Threading.Channels.Channel.CreateBounded<DirectoryDelta>(
            new System.Threading.Channels.BoundedChannelOptions(DeltaQueueCapacity) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Volatile.Write(ref _deltasDropped, 1));
    }

    public bool Enabled => true;

    public string LocalNode => _local.Name;

    public string? DegradedReason => _degraded;

    private ClusterKeys Keys => _redis.Keys;

    private IDatabase Database => _connection!.GetDatabase();

    /// <summary>
    /// Connects and claims the node name before Kestrel starts taking devices: a name another live node
    /// heartbeats under fails the start naming <c>KestrelTcp:Cluster:NodeName</c>. A name held by an instance
    /// that stopped heartbeating (this node, killed and restarted) is taken over. When Redis cannot be
    /// reached the node starts anyway, degraded, and claims the name when Redis comes.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection = await _redis.ConnectAsync().ConfigureAwait(false);
        _connection.ConnectionFailed += (_, e) => MarkLost($"Redis connection lost ({e.FailureType}).");
        _connection.ConnectionRestored += (_, _) => Volatile.Write(ref _lost, 1);
        if (_connection.IsConnected)
        {
            try
            {
                await ClaimNameAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisException ex)
            {
                MarkLost($"Redis is not answering: {ex.Message}");
            }
        }
        else
        {
            MarkLost($"Redis at {_redis.Endpoint} cannot be reached.");
        }

        _logger.ClusterJoined(_local.Name, _redis.Endpoint, _local.InstanceId);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _connection!.GetSubscriber().SubscribeAsync(Keys.Directory, (_, message) => OnDelta(message)).ConfigureAwait(false);
        var view = RunViewAsync(stoppingToken);
        var publish = RunPublishAsync(stoppingToken);
        await Task.WhenAll(view, publish).ConfigureAwait(false);
    }

    /// <summary>Leaves the cluster on a clean stop: the heartbeat and the entries go at once, so the
    /// other nodes do not wait for the timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_connection is { IsConnected: true })
        {
            try
            {
                var tx = Database.CreateTransaction();
                tx.AddCondition(Condition.StringEqual(Keys.Alive(_local.Name), _local.InstanceId));
                _ = tx.KeyDeleteAsync(Keys.Alive(_local.Name));
                _ = tx.KeyDeleteAsync(Keys.Sessions(_local.Name));
                await tx.ExecuteAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
            {
                // The others purge this node by timeout instead.
            }
        }
    }

    private async Task ClaimNameAsync(CancellationToken cancellationToken)
    {
        var alive = Keys.Alive(_local.Name);
        var db = Database;
        var holder = await db.StringGetAsync(alive).ConfigureAwait(false);
        if (holder.HasValue && holder != _local.InstanceId)
        {
            // Held: by a live duplicate, or by this node's previous process that died without leaving
            // (killed and restarted). A live holder renews the key every heartbeat; a dead one lets it
            // expire within the node timeout. Watch it until one of the two happens.
            var deadline = _time.GetTimestamp() + (long)((_options.NodeTimeout + _options.HeartbeatInterval).TotalSeconds * _time.TimestampFrequency);
            var last = await db.KeyTimeToLiveAsync(alive).ConfigureAwait(false) ?? TimeSpan.Zero;
            while (_time.GetElapsedTime(deadline) < TimeSpan.Zero)
            {
                await Task.Delay(_options.HeartbeatInterval / 4, _time, cancellationToken).ConfigureAwait(false);
                var still = await db.StringGetAsync(alive).ConfigureAwait(false);
                if (!still.HasValue)
                {
                    break;
                }

                var ttl = await db.KeyTimeToLiveAsync(alive).ConfigureAwait(false) ?? TimeSpan.Zero;
                if (still != holder || ttl > last)
                {
                    _logger.NodeNameTaken(_local.Name, still.ToString());
                    throw new OptionsValidationException(ClusterOptions.SectionName, typeof(ClusterOptions),
                        [$"{ClusterOptions.SectionName}:NodeName '{_local.Name}' is in use by another live node (instance {still}); every node needs a name of its own."]);
                }

                last = ttl;
            }

            _logger.NodeReplaced(_local.Name, holder.ToString());
        }

        await db.StringSetAsync(alive, _local.InstanceId, _options.NodeTimeout).ConfigureAwait(false);
    }

    private void MarkLost(string reason)
    {
        Volatile.Write(ref _lost, 1);
        SetDegraded(reason);
    }

    private void SetDegraded(string? reason)
    {
        var before = _degraded;
        _degraded = reason;
        if (reason is not null && before != reason)
        {
            _logger.ClusterDegraded(reason);
        }
        else if (reason is null && before is not null)
        {
            _logger.ClusterRestored();
        }
    }

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;
}
