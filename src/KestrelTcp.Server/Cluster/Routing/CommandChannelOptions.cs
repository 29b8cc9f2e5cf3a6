namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>
/// Bounds of the command channel between nodes, under <c>KestrelTcp:Cluster</c> (next to
/// <see cref="ClusterOptions"/>; only read when clustering is on).
/// </summary>
public sealed class CommandChannelOptions
{
    /// <summary>Largest request or reply one node sends another (default 8 MiB): room for the largest send
    /// the API takes (a 4 MiB body) as JSON, or a page of the audit log; a larger message is refused before
    /// it is published (the request answers 400) and one that arrives larger is dropped unread.</summary>
    public int MaxCommandBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most commands this node may wait on answers to at once (default 10,000); beyond, a request
    /// that would travel to another node answers 503 "too many commands in flight" at once.</summary>
    public int MaxPendingCommands { get; set; } = 10_000;

    /// <summary>Most commands from other nodes this node carries out at once (default 64); beyond, the
    /// asking node gets a Busy answer (503) at once rather than a late one.</summary>
    public int MaxConcurrentRemoteCommands { get; set; } = 64;
}
