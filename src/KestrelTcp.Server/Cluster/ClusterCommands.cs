using System.Diagnostics;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Metrics;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// The operator's send, broadcast and kick for the REST API and the dashboard, across the cluster. On a
/// single node (no Redis) every call goes straight to <see cref="SessionCommands"/>: nothing changes. In a
/// cluster the targets are split into this node's sessions and, by <see cref="IClusterView"/>, the other
/// owners'; everything is checked up front (ids, payload against each listener this node knows); ONE
/// audit row is written here, naming the target nodes, before anything takes effect; then this node's part
/// runs here and each other node's part travels to it on the <see cref="CommandChannel"/>. Only what an
/// owner accepted is reported as sent; each node's outcome is in <see cref="ClusterCommandResult.Nodes"/>.
/// </summary>
internal sealed class ClusterCommands
{
    private readonly SessionCommands _commands;
    private readonly SessionRegistry _registry;
    private readonly ListenerCatalog _listeners;
    private readonly IClusterView _view;
    private readonly IServiceProvider _services;
    private readonly CommandMetrics? _metrics;

    public ClusterCommands(SessionCommands commands, SessionRegistry registry, ListenerCatalog listeners, IClusterView view, IServiceProvider services, CommandMetrics? metrics = null)
    {
        _metrics = metrics;
        _commands = commands;
        _registry = registry;
        _listeners = listeners;
        _view = view;
        _services = services;
    }

    /// <summary>Whether commands may travel to other nodes.</summary>
    public bool Clustered => _view.Enabled;

    private CommandChannel Channel => _services.GetRequiredService<CommandChannel>();

    public async Task<ClusterCommandResult> SendAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, byte[] payload, CancellationToken cancellationToken = default) =>
        Counted("send", await SendCoreAsync(actor, sessionIds, payload, cancellationToken).ConfigureAwait(false));

    public async Task<ClusterCommandResult> BroadcastAsync(CommandActor actor, string listenerName, byte[] payload, CancellationToken cancellationToken = default) =>
        Counted("broadcast", await BroadcastCoreAsync(actor, listenerName, payload, cancellationToken).ConfigureAwait(false));

    public async Task<ClusterCommandResult> KickAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, string? reason, CancellationToken cancellationToken = default) =>
        Counted("kick", await KickCoreAsync(actor, sessionIds, reason, cancellationToken).ConfigureAwait(false));

    private async Task<ClusterCommandResult> SendCoreAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(payload);
        if (!_view.Enabled || !actor.IsOperator)
        {
            return Single(await _commands.SendAsync(actor, sessionIds, payload, cancellationToken).ConfigureAwait(false));
        }

        if (!TrySplit(sessionIds, out var local, out var remote, out var problem)
            || !SessionCommands.TryValidatePayload(ListenersOf(local, remote), payload, out problem))
        {
            await _commands.AuditAsync(actor, AuditAction.Send, problem, null, sessionIds, payload, null).ConfigureAwait(false);
            return Single(problem);
        }

        await _commands.AuditAsync(actor, AuditAction.Send, null, null, AllIds(local, remote), payload, null, TargetNodes(local.Count > 0, remote.Keys)).ConfigureAwait(false);
        var localPart = local.Count > 0 ? _commands.SendRecordedAsync(local, payload) : null;
        var remoteParts = remote.Select(pair => CallAsync(pair.Key, pair.Value, new NodeRequest(CommandChannel.NewRequestId(), _view.LocalNode, NodeRequestKind.Send, actor.Name, [.. pair.Value], payload), cancellationToken)).ToList();
        return Merge(localPart is null ? null : await localPart.ConfigureAwait(false), local, await Task.WhenAll(remoteParts).ConfigureAwait(false), payload.Length);
    }

    private async Task<ClusterCommandResult> BroadcastCoreAsync(CommandActor actor, string listenerName, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(payload);
        var listener = _listeners.Find(listenerName);
        if (!_view.Enabled || !actor.IsOperator || listener is null || !listener.Codec.TryValidatePayload(payload, out _))
        {
            // Refusals are answered, and recorded, exactly as on a single node.
            return Single(await _commands.BroadcastAsync(actor, listenerName, payload, cancellationToken).ConfigureAwait(false));
        }

        var nodes = _view.Nodes().Where(n => !n.Local && n.State != NodeState.Down).Select(n => n.Name).ToList();
        List<string> localIds = [.. listener.Sessions.Keys];
        var remoteIds = _view.RemoteSessions().Where(s => string.Equals(s.Listener, listener.Name, StringComparison.Ordinal)).Select(s => s.Id);
        await _commands.AuditAsync(actor, AuditAction.Broadcast, null, listener.Name, localIds.Concat(remoteIds), payload, null, TargetNodes(true, nodes)).ConfigureAwait(false);
        var localPart = _commands.BroadcastRecordedAsync(listener.Name, payload);
        var remoteParts = nodes.Select(node => CallAsync(node, [], new NodeRequest(CommandChannel.NewRequestId(), _view.LocalNode, NodeRequestKind.Broadcast, actor.Name, Payload: payload, Listener: listener.Name), cancellationToken)).ToList();
        return Merge(await localPart.ConfigureAwait(false), localIds, await Task.WhenAll(remoteParts).ConfigureAwait(false), payload.Length);
    }

    private async Task<ClusterCommandResult> KickCoreAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!_view.Enabled || !actor.IsOperator)
        {
            return Single(await _commands.KickAsync(actor, sessionIds, reason, cancellationToken).ConfigureAwait(false));
        }

        var why = SessionCommands.KickReason(reason);
        if (!TrySplit(sessionIds, out var local, out var remote, out var problem))
        {
            await _commands.AuditAsync(actor, AuditAction.Kick, problem, null, sessionIds, null, why).ConfigureAwait(false);
            return Single(problem);
        }

        await _commands.AuditAsync(actor, AuditAction.Kick, null, null, AllIds(local, remote), null, why, TargetNodes(local.Count > 0, remote.Keys)).ConfigureAwait(false);
        var localResult = local.Count > 0 ? _commands.KickRecorded(local, actor.Name, why) : null;
        var remoteParts = remote.Select(pair => CallAsync(pair.Key, pair.Value, new NodeRequest(CommandChannel.NewRequestId(), _view.LocalNode, NodeRequestKind.Kick, actor.Name, [.. pair.Value], Reason: why), cancellationToken)).ToList();
        return Merge(localResult, local, await Task.WhenAll(remoteParts).ConfigureAwait(false), 0);
    }

    /// <summary>A payload that could not be read, refused and recorded as on a single node.</summary>
    public async Task<ClusterCommandResult> RefusePayloadAsync(CommandActor actor, AuditAction action, string? listenerName, IReadOnlyCollection<string>? sessionIds, string error) =>
        Counted(MetricTags.SnakeCase(action.ToString()), Single(await _commands.RefusePayloadAsync(actor, action, listenerName, sessionIds, error).ConfigureAwait(false)));

    /// <summary>Counts the command by its result (<see cref="CommandMetrics"/>) and returns the result.</summary>
    private ClusterCommandResult Counted(string command, ClusterCommandResult result)
    {
        _metrics?.Completed(command, result.Result);
        return result;
    }

    private static ClusterCommandResult Single(CommandResult result) => new(result, null);

    private static IEnumerable<string> AllIds(List<string> local, Dictionary<string, List<string>> remote) =>
        local.Concat(remote.Values.SelectMany(ids => ids));

    private List<string> TargetNodes(bool local, IEnumerable<string> remote) =>
        [.. (local ? [_view.LocalNode] : Enumerable.Empty<string>()).Concat(remote.Order(StringComparer.Ordinal))];

    /// <summary>The listeners the payload must suit: those of this node's targets, and this node's
    /// listener of the same name for each remote target (the owner checks again with its own).</summary>
    private IEnumerable<Listener> ListenersOf(List<string> local, Dictionary<string, List<string>> remote)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in local)
        {
            if (_registry.TryGet(id, out var session))
            {
                names.Add(session.Listener.Name);
            }
        }

        foreach (var id in remote.Values.SelectMany(ids => ids))
        {
            if (_view.TryGetRemoteSession(id, out var info))
            {
                names.Add(info.Listener);
            }
        }

        return names.Select(_listeners.Find).OfType<Listener>();
    }

    /// <summary>Splits the targets into this node's and each owner's; an id no node holds is NotFound.</summary>
    private bool TrySplit(IReadOnlyCollection<string>? ids, out List<string> local, out Dictionary<string, List<string>> remote, out CommandResult problem)
    {
        local = [];
        remote = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!SessionCommands.TryCheckTargets(ids, out problem))
        {
            return false;
        }

        List<string>? unknown = null;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (id is null)
            {
                (unknown ??= []).Add("(null)");
            }
            else if (_registry.TryGet(id, out _))
            {
                local.Add(id);
            }
            else if (_view.TryGetRemoteSession(id, out var info) && info.Node is { } node)
            {
                if (!remote.TryGetValue(node, out var list))
                {
                    remote[node] = list = [];
                }

                list.Add(id);
            }
            else
            {
                (unknown ??= []).Add(id);
            }
        }

        if (unknown is not null)
        {
            problem = SessionCommands.UnknownSessions(unknown);
            return false;
        }

        problem = null!;
        return true;
    }

    private async Task<(NodeOutcome Outcome, NodeReply? Reply)> CallAsync(string node, List<string> ids, NodeRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var call = await CallOnceAsync(node, ids, request, cancellationToken).ConfigureAwait(false);
        _metrics?.Routed(request.Kind, node, call.Outcome.Status, started);
        return call;
    }

    private async Task<(NodeOutcome Outcome, NodeReply? Reply)> CallOnceAsync(string node, List<string> ids, NodeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await Channel.RequestAsync(node, request, cancellationToken).ConfigureAwait(false);
            var outcome = reply.Status switch
            {
                NodeReplyStatus.Ok => new NodeOutcome(node, NodeOutcomeStatus.Accepted, null, ids.Count > 0 ? ids : reply.Sessions ?? []),
                NodeReplyStatus.Busy => new NodeOutcome(node, NodeOutcomeStatus.Busy, reply.Error, ids),
                _ => new NodeOutcome(node, NodeOutcomeStatus.Refused, reply.Error ?? $"Node {node} answered {reply.Status}.", ids),
            };
            return (outcome, reply.Status == NodeReplyStatus.Ok ? reply : null);
        }
        catch (NodeCallException ex)
        {
            return (new NodeOutcome(node, NodeOutcome.From(ex.Failure), ex.Message, ids), null);
        }
    }

    private ClusterCommandResult Merge(CommandResult? local, List<string> localIds, (NodeOutcome Outcome, NodeReply? Reply)[] remote, int bytes)
    {
        var sessions = new List<string>();
        var failed = new Dictionary<string, SendResult>(StringComparer.Ordinal);
        var outcomes = new List<NodeOutcome>(remote.Length + 1);
        if (local is not null)
        {
            if (local.Status == CommandStatus.Ok)
            {
                sessions.AddRange(local.Sessions);
                foreach (var (id, why) in local.Failed)
                {
                    failed[id] = why;
                }

                outcomes.Add(new NodeOutcome(_view.LocalNode, NodeOutcomeStatus.Accepted, null, localIds));
            }
            else
            {
                outcomes.Add(new NodeOutcome(_view.LocalNode, NodeOutcomeStatus.Refused, local.Error, localIds));
            }
        }

        foreach (var (outcome, reply) in remote)
        {
            outcomes.Add(outcome);
            if (reply is null)
            {
                continue;
            }

            sessions.AddRange(reply.Sessions ?? []);
            foreach (var (id, why) in reply.Failed ?? [])
            {
                failed[id] = why;
            }
        }

        // Refused everywhere (the owner's framing refuses the payload, say): the command is refused.
        if (sessions.Count == 0 && failed.Count == 0 && outcomes.Count > 0 && outcomes.All(o => o.Status == NodeOutcomeStatus.Refused))
        {
            return new ClusterCommandResult(CommandResult.Invalid(string.Join(" ", outcomes.Select(o => $"Node {o.Node}: {o.Error}"))), outcomes);
        }

        return new ClusterCommandResult(CommandResult.Ok(sessions, failed, bytes), outcomes);
    }
}
