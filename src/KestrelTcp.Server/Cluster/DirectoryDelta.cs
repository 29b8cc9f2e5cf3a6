using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>One batch of a node's directory changes, published on <c>{p}:directory</c> after it was
/// written to the node's sessions hash in the same transaction.</summary>
/// <param name="Node">The node.</param>
/// <param name="Instance">The node process's instance id.</param>
/// <param name="Seq">1, 2, 3... per instance: a reader that sees a gap reloads the node's hash.</param>
/// <param name="Upserted">Sessions that opened or whose counters changed.</param>
/// <param name="Removed">Ids of sessions that closed.</param>
/// <param name="Reset">True when the batch replaced the node's whole hash (a start, or Redis came back).</param>
internal sealed record DirectoryDelta(string Node, string Instance, long Seq, SessionInfo[] Upserted, string[] Removed, bool Reset);
