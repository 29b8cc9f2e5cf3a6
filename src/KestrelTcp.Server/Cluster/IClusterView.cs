using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// What this node knows of the cluster: the nodes and the sessions the other nodes hold. The API, the
/// dashboard and the command router read it; a single node (no Redis) has an empty one
/// (<see cref="SingleNodeView"/>), so every caller works the same with or without a cluster.
/// </summary>
internal interface IClusterView
{
    /// <summary>Whether clustering is configured.</summary>
    bool Enabled { get; }

    /// <summary>This node's name.</summary>
    string LocalNode { get; }

    /// <summary>Why the cluster view is incomplete (Redis unreachable, ...), or null when it is whole.</summary>
    string? DegradedReason { get; }

    /// <summary>Every node known, this one included, Down ones while they are remembered.</summary>
    IReadOnlyList<NodeInfo> Nodes();

    /// <summary>The live sessions other nodes hold, each with its <see cref="SessionInfo.Node"/> set.</summary>
    IReadOnlyCollection<SessionInfo> RemoteSessions();

    /// <summary>The traffic rates the other nodes that are up sent with their last heartbeat, added up per
    /// listener name (empty on a single node).</summary>
    IReadOnlyDictionary<string, ListenerRates> RemoteRates();

    /// <summary>A live session held by another node.</summary>
    bool TryGetRemoteSession(string id, out SessionInfo session);

    /// <summary>The recently closed sessions of the other nodes, newest first (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<SessionInfo>> RemoteClosedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Raised (on the directory's loop) when the remote sessions change; handlers must be quick.</summary>
    event Action<RemoteSessionChange>? RemoteSessionsChanged;
}
