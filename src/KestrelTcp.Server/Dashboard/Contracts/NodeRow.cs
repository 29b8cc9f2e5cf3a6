using KestrelTcp.Server.Cluster;

namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>A node of the cluster as the dashboard's Nodes view shows it. Times are Unix milliseconds.</summary>
/// <param name="Name">The node's name (<c>KestrelTcp:Cluster:NodeName</c>).</param>
/// <param name="Address">Where its HTTP API and dashboard answer, when known.</param>
/// <param name="Version">Its server version.</param>
/// <param name="StartedAt">When its process started.</param>
/// <param name="Sessions">Its live sessions at its last heartbeat (0 when Down).</param>
/// <param name="LastHeartbeat">When it last heartbeated.</param>
/// <param name="State">Up, Draining or Down.</param>
/// <param name="Local">Whether this is the node the browser is connected to.</param>
public sealed record NodeRow(string Name, string? Address, string? Version, long StartedAt, int Sessions, long LastHeartbeat, NodeState State, bool Local);
