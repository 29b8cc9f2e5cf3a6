using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>
/// Carries out on this node what another node asked over the command channel. Commands were checked
/// and recorded in the audit log by the node that took them; here they go to
/// <see cref="SessionCommands"/>'s recorded-command entry points (no second audit row) and are logged as
/// relayed. Reads answer from this node's registry and audit log; a drain starts this node's
/// <see cref="NodeDrain"/>.
/// </summary>
internal sealed class NodeRequestHandler
{
    private readonly SessionCommands _commands;
    private readonly SessionRegistry _registry;
    private readonly AuditLog _audit;
    private readonly LocalNode _local;
    private readonly NodeDrain _drain;
    private readonly ILogger<NodeRequestHandler> _logger;

    public NodeRequestHandler(SessionCommands commands, SessionRegistry registry, AuditLog audit, LocalNode local, NodeDrain drain, ILogger<NodeRequestHandler> logger)
    {
        _commands = commands;
        _registry = registry;
        _audit = audit;
        _local = local;
        _drain = drain;
        _logger = logger;
    }

    /// <summary>Test hook: runs before each request is handled (a stalled owner, for timeout tests).</summary>
    internal Func<NodeRequest, Task>? BeforeHandle { get; set; }

    public async Task<NodeReply> HandleAsync(NodeRequest request, CancellationToken cancellationToken)
    {
        if (BeforeHandle is { } hook)
        {
            await hook(request).ConfigureAwait(false);
        }

        var ids = request.SessionIds ?? [];
        if (ids.Length > SessionCommands.MaxTargets)
        {
            return Reply(request, NodeReplyStatus.Invalid, $"At most {SessionCommands.MaxTargets} sessions can be named at once (got {ids.Length}).");
        }

        switch (request.Kind)
        {
            case NodeRequestKind.Send when request.Payload is { Length: > 0 } payload:
                _logger.RelayedCommand(request.Kind, request.From, request.Actor, ids.Length);
                return FromCommand(request, await _commands.SendRecordedAsync(ids, payload).ConfigureAwait(false));
            case NodeRequestKind.Broadcast when request.Payload is { Length: > 0 } payload && request.Listener is { } listener:
                _logger.RelayedCommand(request.Kind, request.From, request.Actor, 0);
                return FromCommand(request, await _commands.BroadcastRecordedAsync(listener, payload).ConfigureAwait(false));
            case NodeRequestKind.Kick:
                _logger.RelayedCommand(request.Kind, request.From, request.Actor, ids.Length);
                return FromCommand(request, _commands.KickRecorded(ids, request.Actor ?? "an operator on another node", request.Reason));
            case NodeRequestKind.GetSession when ids.Length == 1:
                return _registry.TryGet(ids[0], out var session)
                    ? new NodeReply(request.Id, _local.Name, NodeReplyStatus.Ok, Session: session.Snapshot() with { Node = _local.Name })
                    : Reply(request, NodeReplyStatus.NotFound, $"No live session with id '{ids[0]}' on node {_local.Name}.");
            case NodeRequestKind.GetMessages when ids.Length == 1:
                return Messages(request, ids[0]);
            case NodeRequestKind.ReadAudit when request.Limit is { } limit and >= 1 and <= AuditLog.MaxNewestRows:
                var (items, total) = await _audit.ReadNewestAsync(limit, cancellationToken).ConfigureAwait(false);
                return new NodeReply(request.Id, _local.Name, NodeReplyStatus.Ok, Audit: [.. items], AuditTotal: total);
            case NodeRequestKind.Drain:
                return Drain(request);
            default:
                return Reply(request, NodeReplyStatus.Invalid, $"Node {_local.Name} cannot read this {request.Kind} request.");
        }
    }

    /// <summary>The same drain as one asked of this node's own API: <c>/readyz</c> 503 at once, then the
    /// sessions closed at this node's rate. Answered as soon as it started, not when it ends.</summary>
    private NodeReply Drain(NodeRequest request)
    {
        var sessions = _registry.Count;
        _logger.RelayedCommand(request.Kind, request.From, request.Actor, sessions);
        var started = _drain.Start($"{request.Actor ?? "An operator"} (through node {request.From})");
        return new NodeReply(request.Id, _local.Name, NodeReplyStatus.Ok, Drain: new DrainResponse(_local.Name, sessions, _drain.SessionsPerSecond, AlreadyDraining: !started));
    }

    private NodeReply Messages(NodeRequest request, string id)
    {
        if (!_registry.TryGet(id, out var session))
        {
            return Reply(request, NodeReplyStatus.NotFound, $"No live session with id '{id}' on node {_local.Name}.");
        }

        var frames = session.History.Snapshot(Math.Max(1, request.Limit ?? int.MaxValue), Math.Max(0, request.After));
        return new NodeReply(request.Id, _local.Name, NodeReplyStatus.Ok, Messages: Array.ConvertAll(frames, MessageInfo.From));
    }

    private NodeReply FromCommand(NodeRequest request, CommandResult result) => result.Status switch
    {
        CommandStatus.Ok => new NodeReply(request.Id, _local.Name, NodeReplyStatus.Ok, null, [.. result.Sessions], new Dictionary<string, SendResult>(result.Failed, StringComparer.Ordinal), result.Bytes),
        CommandStatus.NotFound => Reply(request, NodeReplyStatus.NotFound, result.Error),
        _ => Reply(request, NodeReplyStatus.Invalid, result.Error),
    };

    private NodeReply Reply(NodeRequest request, NodeReplyStatus status, string? error) => new(request.Id, _local.Name, status, error);
}
