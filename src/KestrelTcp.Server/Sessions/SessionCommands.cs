namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The operator's commands — send, broadcast, kick — shared by the REST API and the dashboard hub.
/// Every target and the payload are checked before anything is queued, so a command is either
/// refused whole or carried out: nothing is half-sent.
/// </summary>
internal sealed class SessionCommands
{
    /// <summary>Most sessions one send or kick may name.</summary>
    public const int MaxTargets = 10_000;

    /// <summary>Longest kick reason kept; longer ones are cut.</summary>
    public const int MaxReasonLength = 200;

    private readonly SessionRegistry _registry;
    private readonly ListenerCatalog _listeners;
    private readonly ILogger<SessionCommands> _logger;

    public SessionCommands(SessionRegistry registry, ListenerCatalog listeners, ILogger<SessionCommands> logger)
    {
        _registry = registry;
        _listeners = listeners;
        _logger = logger;
    }

    public Task<CommandResult> SendAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!TryResolve(sessionIds, out var sessions, out var problem))
        {
            return Task.FromResult(problem);
        }

        return Task.FromResult(SendTo(sessions, payload));
    }

    public Task<CommandResult> BroadcastAsync(CommandActor actor, string listenerName, byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var listener = _listeners.Find(listenerName);
        if (listener is null)
        {
            return Task.FromResult(CommandResult.NotFound($"There is no listener named '{listenerName}'."));
        }

        return Task.FromResult(SendTo([.. listener.Sessions.Values], payload, listener));
    }

    public Task<CommandResult> KickAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!TryResolve(sessionIds, out var sessions, out var problem))
        {
            return Task.FromResult(problem);
        }

        var why = string.IsNullOrWhiteSpace(reason) ? "Kicked by an operator." : reason.Trim();
        if (why.Length > MaxReasonLength)
        {
            why = why[..MaxReasonLength];
        }

        foreach (var session in sessions)
        {
            if (session.Close(CloseReason.Kicked, why))
            {
                _logger.SessionKicked(session.Id, actor.Name, why);
            }
        }

        return Task.FromResult(CommandResult.Ok([.. sessions.Select(s => s.Id)], null, 0));
    }

    private CommandResult SendTo(IReadOnlyList<Session> sessions, byte[] payload, Listener? only = null)
    {
        // Validate against every codec involved before queuing anything.
        foreach (var listener in only is null ? sessions.Select(s => s.Listener).Distinct() : [only])
        {
            if (!listener.Codec.TryValidatePayload(payload, out var error))
            {
                return CommandResult.Invalid($"Listener '{listener.Name}' ({listener.Options.Framing}): {error}");
            }
        }

        var sent = new List<string>(sessions.Count);
        Dictionary<string, SendResult>? failed = null;
        foreach (var session in sessions)
        {
            var result = session.Enqueue(payload);
            if (result == SendResult.Queued)
            {
                sent.Add(session.Id);
            }
            else
            {
                (failed ??= [])[session.Id] = result;
            }
        }

        return CommandResult.Ok(sent, failed, payload.Length);
    }

    private bool TryResolve(IReadOnlyCollection<string>? ids, out List<Session> sessions, out CommandResult problem)
    {
        sessions = [];
        if (ids is null || ids.Count == 0)
        {
            problem = CommandResult.Invalid("Name at least one session in 'sessionIds'.");
            return false;
        }

        if (ids.Count > MaxTargets)
        {
            problem = CommandResult.Invalid($"At most {MaxTargets} sessions can be named at once (got {ids.Count}).");
            return false;
        }

        List<string>? unknown = null;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (id is not null && _registry.TryGet(id, out var session))
            {
                sessions.Add(session);
            }
            else
            {
                (unknown ??= []).Add(id ?? "(null)");
            }
        }

        if (unknown is not null)
        {
            problem = CommandResult.NotFound($"No live session with id {string.Join(", ", unknown.Take(20).Select(u => $"'{u}'"))}{(unknown.Count > 20 ? $" and {unknown.Count - 20} more" : string.Empty)}.");
            return false;
        }

        problem = null!;
        return true;
    }
}
