using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// Reads that need another node's fresh data: a session held by another node and its frames (fetched
/// from the owner, not from the directory, whose counters lag), and the audit view over every Up node.
/// </summary>
internal sealed class ClusterQueries
{
    private readonly IClusterView _view;
    private readonly AuditLog _audit;
    private readonly IServiceProvider _services;

    public ClusterQueries(IClusterView view, AuditLog audit, IServiceProvider services)
    {
        _view = view;
        _audit = audit;
        _services = services;
    }

    private CommandChannel Channel => _services.GetRequiredService<CommandChannel>();

    /// <summary>The node that holds <paramref name="id"/>, when another node does.</summary>
    public bool TryFindOwner(string id, out string node)
    {
        node = string.Empty;
        if (_view.Enabled && _view.TryGetRemoteSession(id, out var info) && info.Node is { } owner)
        {
            node = owner;
            return true;
        }

        return false;
    }

    /// <summary>The session, fresh from its owner; null when the owner no longer has it. Throws
    /// <see cref="NodeCallException"/> when the owner does not answer.</summary>
    public async Task<SessionInfo?> GetSessionAsync(string node, string id, CancellationToken cancellationToken)
    {
        var reply = await Channel.RequestAsync(node, new NodeRequest(CommandChannel.NewRequestId(), _view.LocalNode, NodeRequestKind.GetSession, SessionIds: [id]), cancellationToken).ConfigureAwait(false);
        ThrowUnlessAnswered(node, reply);
        return reply.Session;
    }

    /// <summary>The session's recent frames from its owner; null when the owner no longer has it.</summary>
    public async Task<MessageInfo[]?> GetMessagesAsync(string node, string id, int? limit, long after, CancellationToken cancellationToken)
    {
        var reply = await Channel.RequestAsync(node, new NodeRequest(CommandChannel.NewRequestId(), _view.LocalNode, NodeRequestKind.GetMessages, SessionIds: [id], Limit: limit, After: after), cancellationToken).ConfigureAwait(false);
        ThrowUnlessAnswered(node, reply);
        return reply.Status == NodeReplyStatus.Ok ? reply.Messages ?? [] : null;
    }

    /// <summary>
    /// Page <paramref name="page"/> of the audit rows of every node that is not Down, newest first: each
    /// node gives its newest <c>page × pageSize</c> rows (at most <see cref="AuditLog.MaxNewestRows"/>), this
    /// node merges them by time and keeps the page. A node that does not answer is named in the page's
    /// <see cref="AuditPage.Nodes"/> and makes it <see cref="AuditPage.Degraded"/>.
    /// </summary>
    public async Task<AuditPage> ReadAuditAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        var depth = page * pageSize;
        var mine = _audit.ReadNewestAsync(depth, cancellationToken);
        var others = _view.Nodes().Where(n => !n.Local && n.State != NodeState.Down).Select(n => n.Name).Order(StringComparer.Ordinal).ToList();
        var calls = others.Select(async node =>
        {
            try
            {
                var reply = await Channel.RequestAsync(node, new NodeRequest(CommandChannel.NewRequestId(), _view.LocalNode, NodeRequestKind.ReadAudit, Limit: depth), cancellationToken).ConfigureAwait(false);
                return reply.Status == NodeReplyStatus.Ok
                    ? (new NodeOutcome(node, NodeOutcomeStatus.Accepted, null, []), reply.Audit ?? [], reply.AuditTotal)
                    : (new NodeOutcome(node, reply.Status == NodeReplyStatus.Busy ? NodeOutcomeStatus.Busy : NodeOutcomeStatus.Refused, reply.Error, []), [], 0L);
            }
            catch (NodeCallException ex)
            {
                return (new NodeOutcome(node, NodeOutcome.From(ex.Failure), ex.Message, []), Array.Empty<AuditRecord>(), 0L);
            }
        }).ToList();

        var (items, total) = await mine.ConfigureAwait(false);
        var rows = items.Select(r => r with { Node = _view.LocalNode }).ToList();
        var outcomes = new List<NodeOutcome> { new(_view.LocalNode, NodeOutcomeStatus.Accepted, null, []) };
        foreach (var (outcome, audit, count) in await Task.WhenAll(calls).ConfigureAwait(false))
        {
            outcomes.Add(outcome);
            total += count;
            rows.AddRange(audit.Take(depth).Select(r => r with { Node = outcome.Node }));
        }

        var merged = rows
            .OrderByDescending(r => r.Time)
            .ThenBy(r => r.Node, StringComparer.Ordinal)
            .ThenByDescending(r => r.Id)
            .ToList();
        var missing = outcomes.Where(o => o.Status != NodeOutcomeStatus.Accepted).ToList();
        var degraded = missing.Count == 0 ? null : $"The rows of {string.Join(", ", missing.Select(o => o.Node))} are missing: {string.Join(" ", missing.Select(o => o.Error))}";
        return new AuditPage(SessionsApi.PageOf(merged, page, pageSize), total, page, pageSize, outcomes, degraded);
    }

    /// <summary>Ok and NotFound are answers; Busy and Failed are not.</summary>
    private static void ThrowUnlessAnswered(string node, NodeReply reply)
    {
        switch (reply.Status)
        {
            case NodeReplyStatus.Ok or NodeReplyStatus.NotFound:
                return;
            case NodeReplyStatus.Busy:
                throw new NodeCallException(node, NodeCallFailure.TooManyInFlight, reply.Error ?? $"Node {node} is busy.");
            default:
                throw new NodeCallException(node, NodeCallFailure.Failed, reply.Error ?? $"Node {node} answered {reply.Status}.");
        }
    }
}
