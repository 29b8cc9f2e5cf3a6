using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>What a node writes about itself at each heartbeat, in <c>{p}:nodes</c>.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Instance">Its process's instance id.</param>
/// <param name="Address">Its HTTP address.</param>
/// <param name="Version">Its server version.</param>
/// <param name="StartedAt">When its process started.</param>
/// <param name="Sessions">Its live sessions.</param>
/// <param name="HeartbeatAt">When it wrote this record.</param>
/// <param name="Draining">Whether it is draining.</param>
/// <param name="Seq">The sequence number of its last directory batch, so a reader that missed one
/// (pub/sub is at-most-once) finds out at the next heartbeat and reloads that node.</param>
/// <param name="Rates">Its listeners' traffic per second since its previous heartbeat (null from a node
/// that does not send them), for cluster-wide charts.</param>
internal sealed record NodeRecord(
    string Name,
    string Instance,
    string? Address,
    string? Version,
    DateTimeOffset StartedAt,
    int Sessions,
    DateTimeOffset HeartbeatAt,
    bool Draining,
    long Seq,
    IReadOnlyList<ListenerRates>? Rates = null);
