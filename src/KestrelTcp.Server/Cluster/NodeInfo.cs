namespace KestrelTcp.Server.Cluster;

/// <summary>One node of the cluster, as <c>GET /api/nodes</c> shows it.</summary>
/// <param name="Name">The node's name (<c>KestrelTcp:Cluster:NodeName</c>).</param>
/// <param name="Address">Where its HTTP API answers.</param>
/// <param name="Version">Its server version.</param>
/// <param name="StartedAt">When its process started.</param>
/// <param name="Sessions">Its live sessions at its last heartbeat.</param>
/// <param name="LastHeartbeat">When it last heartbeated.</param>
/// <param name="State">Up, Draining or Down.</param>
/// <param name="Local">Whether this is the node that answered.</param>
public sealed record NodeInfo(
    string Name,
    string? Address,
    string? Version,
    DateTimeOffset StartedAt,
    int Sessions,
    DateTimeOffset LastHeartbeat,
    NodeState State,
    bool Local);
