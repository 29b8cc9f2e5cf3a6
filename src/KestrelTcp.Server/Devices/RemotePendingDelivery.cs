using System.Threading.Channels;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices;

/// <summary>
/// In a cluster: messages queued here for a device that comes back through another node are handed to
/// that node, in order, through the command channel, as a send already recorded here (each was audited
/// when it was queued). The cluster view tells when a remote session is a device with messages waiting;
/// one loop delivers them, a device at a time; a message the owner does not accept waits for the
/// device's next identification. On a single node this does not run.
/// </summary>
internal sealed class RemotePendingDelivery : BackgroundService
{
    /// <summary>Devices waiting for a remote delivery, at most (more are picked up at their next change).</summary>
    private const int MaxWaiting = 4096;

    private readonly IClusterView _cluster;
    private readonly DeviceRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILogger<RemotePendingDelivery> _logger;
    private readonly Channel<SessionInfo> _due = Channel.CreateBounded<SessionInfo>(new BoundedChannelOptions(MaxWaiting) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public RemotePendingDelivery(IClusterView cluster, DeviceRegistry registry, IServiceProvider services, ILogger<RemotePendingDelivery> logger)
    {
        _cluster = cluster;
        _registry = registry;
        _services = services;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_cluster.Enabled)
        {
            return;
        }

        _cluster.RemoteSessionsChanged += OnRemoteChange;
        try
        {
            var channel = _services.GetRequiredService<CommandChannel>();
            await foreach (var session in _due.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    _queued.Remove(session.DeviceId!);
                }

                await DeliverAsync(channel, session, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _cluster.RemoteSessionsChanged -= OnRemoteChange;
        }
    }

    /// <summary>On the directory's loop: quick, a dictionary lookup per changed identified session.</summary>
    private void OnRemoteChange(RemoteSessionChange change)
    {
        foreach (var session in change.Upserted)
        {
            if (session.DeviceId is { } deviceId && session.Node is not null && _registry.Pending.CountFor(deviceId) > 0)
            {
                lock (_gate)
                {
                    if (_queued.Add(deviceId) && !_due.Writer.TryWrite(session))
                    {
                        _queued.Remove(deviceId);
                    }
                }
            }
        }
    }

    private async Task DeliverAsync(CommandChannel channel, SessionInfo session, CancellationToken cancellationToken)
    {
        var deviceId = session.DeviceId!;
        var delivered = new List<long>();
        try
        {
            foreach (var (id, payload) in _registry.Pending.Due(deviceId))
            {
                var reply = await channel.RequestAsync(session.Node!, new NodeRequest(CommandChannel.NewRequestId(), _cluster.LocalNode, NodeRequestKind.Send, "the pending queue", [session.Id], payload), cancellationToken).ConfigureAwait(false);
                if (reply.Status != NodeReplyStatus.Ok || reply.Sessions is not { Length: > 0 } || (reply.Failed?.ContainsKey(session.Id) ?? false))
                {
                    break;
                }

                delivered.Add(id);
            }
        }
        catch (NodeCallException ex)
        {
            _logger.PendingRemoteFailed(deviceId, session.Node!, ex.Message);
        }
        finally
        {
            if (delivered.Count > 0)
            {
                _registry.Pending.DeliveredElsewhere(deviceId, delivered);
                _logger.PendingDelivered(deviceId, session.Id, delivered.Count);
            }
        }
    }
}
