using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Devices;

/// <summary>Which live session is a device, here or (in a cluster) on another node: what a command by
/// device or by tag is routed to. The session's owner then carries it out, through the cluster's command channel.</summary>
internal sealed class DeviceSessions(SessionRegistry registry, IClusterView cluster)
{
    /// <summary>The live session that is <paramref name="deviceId"/>, on any node, or null.</summary>
    public string? Find(string deviceId) => FindLocal(deviceId)?.Id ?? FindRemote(deviceId)?.Id;

    /// <summary>The live session of this node that is <paramref name="deviceId"/>, or null.</summary>
    public Session? FindLocal(string deviceId) => registry.Devices.TryGet(deviceId, out var session) ? session : null;

    /// <summary>The live session another node holds for <paramref name="deviceId"/>, or null (always null on a single node).</summary>
    public SessionInfo? FindRemote(string deviceId) => cluster.Enabled
        ? cluster.RemoteSessions().FirstOrDefault(s => string.Equals(s.DeviceId, deviceId, StringComparison.Ordinal))
        : null;

    /// <summary>
    /// In a cluster, <paramref name="devices"/> with what the cluster directory says: a device offline here
    /// but live on another node is shown online there (its session and node). On a single node, unchanged.
    /// </summary>
    public IReadOnlyList<DeviceInfo> WithClusterState(IReadOnlyList<DeviceInfo> devices)
    {
        if (!cluster.Enabled || devices.All(d => d.Online))
        {
            return devices;
        }

        var remote = new Dictionary<string, SessionInfo>(StringComparer.Ordinal);
        foreach (var info in cluster.RemoteSessions())
        {
            if (info.DeviceId is { } id)
            {
                remote[id] = info;
            }
        }

        return [.. devices.Select(d => !d.Online && remote.TryGetValue(d.Id, out var info) ? d with { Online = true, SessionId = info.Id, Node = info.Node } : d)];
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
