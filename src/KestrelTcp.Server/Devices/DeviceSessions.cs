using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices;

/// <summary>Which live session is a device, here or (in a cluster) on another node: what a command by
/// device or by tag is routed to. The session's owner then carries it out, through the cluster's command channel.</summary>
internal sealed class DeviceSessions(SessionRegistry registry, IClusterView cluster)
{
    /// <summary>The live session that is <paramref name="deviceId"/>, on any node, or null.</summary>
    public string? Find(string deviceId)
    {
        if (registry.Devices.TryGet(deviceId, out var session))
        {
            return session.Id;
        }

        return cluster.Enabled
            ? cluster.RemoteSessions().FirstOrDefault(s => string.Equals(s.DeviceId, deviceId, StringComparison.Ordinal))?.Id
            : null;
    }

    /// <summary>The live sessions of <paramref name="deviceIds"/>, on any node (offline devices left out).</summary>
    public List<string> FindAll(IReadOnlyCollection<string> deviceIds)
    {
        Dictionary<string, string>? remote = null;
        if (cluster.Enabled)
        {
            remote = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var info in cluster.RemoteSessions())
            {
                if (info.DeviceId is { } id)
                {
                    remote[id] = info.Id;
                }
            }
        }

        var sessions = new List<string>(deviceIds.Count);
        foreach (var deviceId in deviceIds)
        {
            if (registry.Devices.TryGet(deviceId, out var session))
            {
                sessions.Add(session.Id);
            }
            else if (remote is not null && remote.TryGetValue(deviceId, out var sessionId))
            {
                sessions.Add(sessionId);
            }
        }

        return sessions;
    }
}
