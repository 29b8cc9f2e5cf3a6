using KestrelTcp.Server.Cluster.Routing;

namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>The outcome of a send, broadcast or kick from the dashboard.</summary>
/// <param name="Ok">Whether it was carried out.</param>
/// <param name="Error">What was wrong, when <paramref name="Ok"/> is false.</param>
/// <param name="Sessions">How many sessions it was done to.</param>
/// <param name="Failed">How many sessions closed before the payload could be queued.</param>
/// <param name="Bytes">The payload size in bytes (zero for a kick).</param>
/// <param name="Nodes">In a cluster, the nodes that did not accept their part (unreachable, timed out,
/// busy, refused), with why; absent when every node did.</param>
public sealed record CommandReply(bool Ok, string? Error, int Sessions, int Failed, int Bytes, IReadOnlyList<NodeOutcome>? Nodes = null);
