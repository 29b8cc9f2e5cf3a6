using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices;

/// <summary>
/// In a cluster: the devices that connect through other nodes go into this node's registry too, online with
/// their node and session, and offline when that session leaves (closed there, or its node went down), so
/// every node's Devices list and <c>/api/devices</c> cover the whole cluster. Fed from the cluster view's
/// changes: a remote session is posted once when it first shows as a device (not at each counter update),
/// through the same bounded channel as this node's devices. On a single node this does not run.
/// </summary>
internal sealed class RemoteDeviceSightings(IClusterView cluster, DeviceTracker tracker) : IHostedService
{
    // Remote session id -> the device it was posted as. Mirrors the identified part of the cluster view's
    // remote sessions, so it is bounded by the view's own bound. Touched on the directory's loop, and at start.
    private readonly Dictionary<string, SessionInfo> _devices = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!cluster.Enabled)
        {
            return Task.CompletedTask;
        }

        // Registered after the registry, so this runs after its start marked every device offline: the
        // remote ones that are live come back here.
        cluster.RemoteSessionsChanged += OnRemoteChange;
        foreach (var session in cluster.RemoteSessions())
        {
            Seen(session);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        cluster.RemoteSessionsChanged -= OnRemoteChange;
        return Task.CompletedTask;
    }

    private void OnRemoteChange(RemoteSessionChange change)
    {
        foreach (var session in change.Upserted)
        {
            Seen(session);
        }

        foreach (var id in change.Removed)
        {
            SessionInfo? left;
            lock (_gate)
            {
                if (!_devices.Remove(id, out left))
                {
                    continue;
                }
            }

            tracker.RemoteOffline(left, left.DeviceId!);
        }
    }

    private void Seen(SessionInfo session)
    {
        if (session.DeviceId is not { } deviceId || session.Node is null)
        {
            return;
        }

        SessionInfo? known;
        lock (_gate)
        {
            if (_devices.TryGetValue(session.Id, out known) && known.DeviceId == deviceId)
            {
                return;
            }

            _devices[session.Id] = session;
        }

        // Named another device by an operator there: the device it was is no longer on this session.
        if (known is not null)
        {
            tracker.RemoteOffline(known, known.DeviceId!);
        }

        tracker.RemoteOnline(session, deviceId);
    }
}
