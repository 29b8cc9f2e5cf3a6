using System.Collections.Concurrent;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// Who holds which session, as the tests say it: a stand-in for the Redis directory, shared by the nodes
/// of one test, so that routing is tested on its own. The product code reads it through
/// <see cref="IClusterView"/> exactly as it reads the real directory.
/// </summary>
internal sealed class TestDirectory
{
    private readonly ConcurrentDictionary<string, SessionInfo> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);

    public void AddNode(string node, NodeState state = NodeState.Up) => _nodes[node] = state;

    /// <summary>Says that <paramref name="node"/> holds session <paramref name="id"/> (counters zero: a
    /// fetch from the owner shows fresh ones).</summary>
    public void Claim(string node, string id, string listener = "default") =>
        _sessions[id] = new SessionInfo(id, listener, null, null, DateTimeOffset.UtcNow, null, null, 0, 0, 0, 0, 0, false, Node: node);

    public IReadOnlyList<NodeInfo> Nodes(string local) =>
        [.. _nodes.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => new NodeInfo(n.Key, null, null, DateTimeOffset.UtcNow, 0, DateTimeOffset.UtcNow, n.Value, n.Key == local))];

    public IReadOnlyCollection<SessionInfo> SessionsNotOn(string node) => [.. _sessions.Values.Where(s => s.Node != node)];

    public bool TryGet(string id, string notOn, out SessionInfo session) =>
        _sessions.TryGetValue(id, out session!) && session.Node != notOn;
}
