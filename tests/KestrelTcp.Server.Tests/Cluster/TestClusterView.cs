using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>One node's <see cref="IClusterView"/> over a <see cref="TestDirectory"/>.</summary>
internal sealed class TestClusterView(TestDirectory directory, string local) : IClusterView
{
    public bool Enabled => true;

    public string LocalNode => local;

    public string? DegradedReason => null;

    public event Action<RemoteSessionChange>? RemoteSessionsChanged
    {
        add { }
        remove { }
    }

    public IReadOnlyList<NodeInfo> Nodes() => directory.Nodes(local);

    public IReadOnlyCollection<SessionInfo> RemoteSessions() => directory.SessionsNotOn(local);

    public IReadOnlyDictionary<string, ListenerRates> RemoteRates() => new Dictionary<string, ListenerRates>();

    public bool TryGetRemoteSession(string id, out SessionInfo session) => directory.TryGet(id, local, out session);

    public Task<IReadOnlyList<SessionInfo>> RemoteClosedAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SessionInfo>>([]);
}
