using KestrelTcp.Server.Cluster;

namespace KestrelTcp.Server.Api;

/// <summary>The answer of <c>GET /api/nodes</c>.</summary>
/// <param name="Clustered">Whether this server is part of a cluster (<c>KestrelTcp:Cluster:Redis</c> is set).</param>
/// <param name="Node">The node that answered.</param>
/// <param name="Degraded">Why the cluster view is incomplete (Redis down, ...), or null when it is whole.</param>
/// <param name="Nodes">Every node known, by name.</param>
public sealed record NodesPage(bool Clustered, string Node, string? Degraded, IReadOnlyList<NodeInfo> Nodes);
