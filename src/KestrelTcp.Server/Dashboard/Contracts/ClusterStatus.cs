namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>The cluster as a browser sees it: sent with every snapshot and, in a cluster, again when the
/// degraded state changes (at the next flush) or the node list changes (checked once a second).</summary>
/// <param name="Enabled">Whether this server is a node of a cluster (<c>KestrelTcp:Cluster:Redis</c> is set);
/// when false the rest is this node alone and nothing more is pushed.</param>
/// <param name="LocalNode">The node the browser is connected to.</param>
/// <param name="Degraded">Why the cluster view is incomplete (Redis unreachable, ...), or null when it is whole.</param>
/// <param name="Nodes">Every node known, by name, this one included (empty on a single node).</param>
public sealed record ClusterStatus(bool Enabled, string LocalNode, string? Degraded, IReadOnlyList<NodeRow> Nodes);
