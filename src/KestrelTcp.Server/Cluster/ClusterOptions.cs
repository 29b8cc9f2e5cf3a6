namespace KestrelTcp.Server.Cluster;

/// <summary>
/// Clustering on Redis, under <c>KestrelTcp:Cluster</c>. With <see cref="Redis"/> empty (the default) the
/// server is a single node: nothing here runs, and nothing on the data path changes.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "KestrelTcp:Cluster";

    /// <summary>A StackExchange.Redis configuration string (<c>host:port,password=...</c>); empty = single node.</summary>
    public string? Redis { get; set; }

    /// <summary>This node's name in the cluster; default the machine name. Letters, digits, '.', '_' and '-',
    /// at most 63 characters, and unique in the cluster: a node that finds the name held by another live
    /// node refuses to start.</summary>
    public string? NodeName { get; set; }

    /// <summary>How often the node renews its heartbeat (default 2 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a node may go without a heartbeat before it is Down and its sessions leave the
    /// cluster view (default 10 s: with the 2 s heartbeat, a dead node is purged within 12 s).</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the node publishes sessions that opened or closed (default 250 ms): the cluster
    /// view's staleness. One batch per interval, whatever the churn.</summary>
    public TimeSpan DirectoryInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a session's counters (bytes, frames, last activity) are republished when they
    /// changed (default 5 s): 10,000 busy sessions cost a few batched writes a second, not 10,000.</summary>
    public TimeSpan CountersInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a node that asked another node for something (a send, a kick, a session's
    /// messages) waits for its answer before it reports the owner as not answering (default 5 s).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a Down node stays listed in <c>/api/nodes</c> before it is forgotten (default 10 min).</summary>
    public TimeSpan DownNodeRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most nodes the cluster view holds (default 64): a bound on what Redis can make a node keep.</summary>
    public int MaxNodes { get; set; } = 64;

    /// <summary>Most sessions the view keeps for one remote node (default 100,000); beyond, the node's
    /// entries are dropped and the view reports degraded. A bound on what Redis can make a node keep.</summary>
    public int MaxSessionsPerNode { get; set; } = 100_000;

    /// <summary>Prefix of every Redis key and channel (default <c>kestreltcp</c>), so several clusters can
    /// share one Redis.</summary>
    public string KeyPrefix { get; set; } = "kestreltcp";

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>The node name in effect: <see cref="NodeName"/>, or the machine name.</summary>
    public string EffectiveNodeName => string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName.Trim();
}
