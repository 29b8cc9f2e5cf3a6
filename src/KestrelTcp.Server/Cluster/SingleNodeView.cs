using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>The cluster view of a node with no Redis: only itself, never degraded, no remote sessions.</summary>
internal sealed class SingleNodeView(LocalNode local, SessionRegistry registry) : IClusterView
{
    private static readonly Dictionary<string, ListenerRates> EmptyRates = [];

    public bool Enabled => false;

    public string LocalNode => local.Name;

    public string? DegradedReason => null;

    public event Action<RemoteSessionChange>? RemoteSessionsChanged
    {
        add { }
        remove { }
    }

    public IReadOnlyList<NodeInfo> Nodes() => [local.Describe(registry, DateTimeOffset.UtcNow)];

    public IReadOnlyCollection<SessionInfo> RemoteSessions() => [];

    public IReadOnlyDictionary<string, ListenerRates> RemoteRates() => EmptyRates;

    public bool TryGetRemoteSession(string id, out SessionInfo session)
    {
        session = null!;
        return false;
    }

    public Task<IReadOnlyList<SessionInfo>> RemoteClosedAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SessionInfo>>([]);
}
