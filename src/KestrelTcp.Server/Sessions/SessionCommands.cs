using System.Diagnostics.CodeAnalysis;
using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// The operator's commands — send, broadcast, kick — shared by the REST API and the dashboard hub.
/// Every target and the payload are checked before anything is queued, so a command is either
/// refused whole or carried out: nothing is half-sent. Only an Operator may command; every command,
/// allowed or not, is written to the audit log before it takes effect, and a command the log cannot
/// record is not carried out.
/// </summary>
internal sealed class SessionCommands
{
    /// <summary>Most sessions one send or kick may name.</summary>
    public const int MaxTargets = 10_000;

    /// <summary>Longest session id a command may name: ids are short (a few dozen characters), and a longer
    /// one is a mistake or an attack on the audit log, refused before anything is looked up.</summary>
    public const int MaxSessionIdLength = 128;

    /// <summary>Longest kick reason kept; longer ones are cut.</summary>
    public const int MaxReasonLength = 200;

    private readonly SessionRegistry _registry;
    private readonly ListenerCatalog _listeners;
    private readonly AuditLog _audit;
    private readonly ILogger<SessionCommands> _logger;

    public SessionCommands(SessionRegistry registry, ListenerCatalog listeners, AuditLog audit, ILogger<SessionCommands> logger)
    {
        _registry = registry;
        _listeners = listeners;
        _audit = audit;
        _logger = logger;
    }

    public async Task<CommandResult> SendAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(payload);
        if (!actor.IsOperator)
        {
            return await DenyAsync(actor, AuditAction.Send, null, sessionIds, payload).ConfigureAwait(false);
        }

        if (!TryResolve(sessionIds, out var sessions, out var problem)
            || !TryValidatePayload(sessions.Select(s => s.Listener).Distinct(), payload, out problem))
        {
            await AuditAsync(actor, AuditAction.Send, problem, null, sessionIds, payload, null).ConfigureAwait(false);
            return problem;
        }

        await AuditAsync(actor, AuditAction.Send, null, null, sessions.Select(s => s.Id), payload, null).ConfigureAwait(false);
        return await EnqueueAsync(sessions, payload).ConfigureAwait(false);
    }

    public async Task<CommandResult> BroadcastAsync(CommandActor actor, string listenerName, byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(payload);
        if (!actor.IsOperator)
        {
            return await DenyAsync(actor, AuditAction.Broadcast, listenerName, null, payload).ConfigureAwait(false);
        }

        var listener = _listeners.Find(listenerName);
        if (listener is null)
        {
            var missing = CommandResult.NotFound($"There is no listener named '{listenerName}'.");
            await AuditAsync(actor, AuditAction.Broadcast, missing, listenerName, null, payload, null).ConfigureAwait(false);
            return missing;
        }

        if (!TryValidatePayload([listener], payload, out var problem))
        {
            await AuditAsync(actor, AuditAction.Broadcast, problem, listener.Name, null, payload, null).ConfigureAwait(false);
            return problem;
        }

        // The audit record names exactly the sessions the payload is then queued for.
        List<Session> sessions = [.. listener.Sessions.Values];
        await AuditAsync(actor, AuditAction.Broadcast, null, listener.Name, sessions.Select(s => s.Id), payload, null).ConfigureAwait(false);
        return await EnqueueAsync(sessions, payload).ConfigureAwait(false);
    }

    public async Task<CommandResult> KickAsync(CommandActor actor, IReadOnlyCollection<string>? sessionIds, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var why = KickReason(reason);

        if (!actor.IsOperator)
        {
            return await DenyAsync(actor, AuditAction.Kick, null, sessionIds, null).ConfigureAwait(false);
        }

        if (!TryResolve(sessionIds, out var sessions, out var problem))
        {
            await AuditAsync(actor, AuditAction.Kick, problem, null, sessionIds, null, why).ConfigureAwait(false);
            return problem;
        }

        await AuditAsync(actor, AuditAction.Kick, null, null, sessions.Select(s => s.Id), null, why).ConfigureAwait(false);
        return Kick(sessions, actor.Name, why);
    }

    /// <summary>The kick reason kept for <paramref name="reason"/>: a default when blank, cut at <see cref="MaxReasonLength"/>.</summary>
    internal static string KickReason(string? reason)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "Kicked by an operator." : reason.Trim();
        return why.Length > MaxReasonLength ? why[..MaxReasonLength] : why;
    }

    /// <summary>
    /// Sends to the sessions of this node named by <paramref name="ids"/>, with no role check and no audit
    /// row: for a command already checked and recorded by the node that took it (this one, in a cluster,
    /// or another one that relayed it here). The payload is
    /// checked against each listener first (refused whole, Invalid); a session that is gone by now is
    /// reported in <see cref="CommandResult.Failed"/> as Closed, as one that closed between validation and
    /// sending always is.
    /// </summary>
    internal async Task<CommandResult> SendRecordedAsync(IReadOnlyCollection<string> ids, byte[] payload)
    {
        var (sessions, gone) = ResolveLive(ids);
        if (!TryValidatePayload(sessions.Select(s => s.Listener).Distinct(), payload, out var problem))
        {
            return problem;
        }

        return WithGone(await EnqueueAsync(sessions, payload).ConfigureAwait(false), gone);
    }

    /// <summary>A broadcast already checked and recorded (here or by the node that relayed it): every session of the listener on this node.</summary>
    internal async Task<CommandResult> BroadcastRecordedAsync(string listenerName, byte[] payload)
    {
        var listener = _listeners.Find(listenerName);
        if (listener is null)
        {
            return CommandResult.NotFound($"There is no listener named '{listenerName}'.");
        }

        if (!TryValidatePayload([listener], payload, out var problem))
        {
            return problem;
        }

        return await EnqueueAsync([.. listener.Sessions.Values], payload).ConfigureAwait(false);
    }

    /// <summary>A kick already checked and recorded (here or by the node that relayed it), of the sessions of this node named by <paramref name="ids"/>.</summary>
    internal CommandResult KickRecorded(IReadOnlyCollection<string> ids, string actorName, string? reason)
    {
        var (sessions, gone) = ResolveLive(ids);
        return WithGone(Kick(sessions, actorName, KickReason(reason)), gone);
    }

    private CommandResult Kick(List<Session> sessions, string actorName, string why)
    {
        foreach (var session in sessions)
        {
            if (session.Close(CloseReason.Kicked, why))
            {
                _logger.SessionKicked(session.Id, actorName, why);
            }
        }

        return CommandResult.Ok([.. sessions.Select(s => s.Id)], null, 0);
    }

    private (List<Session> Sessions, List<string>? Gone) ResolveLive(IReadOnlyCollection<string> ids)
    {
        var sessions = new List<Session>(ids.Count);
        List<string>? gone = null;
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (id is not null && _registry.TryGet(id, out var session))
            {
                sessions.Add(session);
            }
            else if (id is not null)
            {
                (gone ??= []).Add(id);
            }
        }

        return (sessions, gone);
    }

    private static CommandResult WithGone(CommandResult result, List<string>? gone)
    {
        if (gone is null || result.Status != CommandStatus.Ok)
        {
            return result;
        }

        var failed = new Dictionary<string, SendResult>(result.Failed, StringComparer.Ordinal);
        foreach (var id in gone)
        {
            failed[id] = SendResult.Closed;
        }

        return result with { Failed = failed };
    }

    /// <summary>
    /// Refuses a send or broadcast whose payload could not be read (bad hex or base64, no payload), after
    /// recording it like every other refused command: as Denied for a caller without the Operator role,
    /// else as Invalid with <paramref name="error"/>.
    /// </summary>
    public async Task<CommandResult> RefusePayloadAsync(CommandActor actor, AuditAction action, string? listenerName, IReadOnlyCollection<string>? sessionIds, string error)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsOperator)
        {
            return await DenyAsync(actor, action, listenerName, sessionIds, null).ConfigureAwait(false);
        }

        var problem = CommandResult.Invalid(error);
        await AuditAsync(actor, action, problem, listenerName, sessionIds, null, null).ConfigureAwait(false);
        return problem;
    }

    /// <summary>Refuses a caller without the Operator role, after recording the attempt.</summary>
    internal async Task<CommandResult> DenyAsync(CommandActor actor, AuditAction action, string? listener, IEnumerable<string>? sessionIds, byte[]? payload)
    {
        _logger.ActionDenied(action, actor.Name, actor.Role, actor.RemoteAddress);
        await _audit.WriteAsync(AuditEvent.ForCommand(actor, action, AuditResult.Denied, listener, sessionIds, payload, AuditingAuthorizationResultHandler.DeniedDetail)).ConfigureAwait(false);
        return CommandResult.Forbidden($"{action} needs the Operator role; {actor.Name} is {(actor.Role is { } role ? $"a {role}" : "not signed in")}.");
    }

    /// <summary>Records an authorized command: Allowed when <paramref name="problem"/> is null (it happens
    /// next), else Invalid or NotFound (nothing happens). In a cluster <paramref name="nodes"/> names the
    /// nodes the command goes to (null on a single node).</summary>
    internal Task AuditAsync(CommandActor actor, AuditAction action, CommandResult? problem, string? listener, IEnumerable<string>? sessionIds, byte[]? payload, string? detail, IReadOnlyList<string>? nodes = null)
    {
        var result = problem?.Status switch
        {
            null => AuditResult.Allowed,
            CommandStatus.NotFound => AuditResult.NotFound,
            _ => AuditResult.Invalid,
        };
        return _audit.WriteAsync(AuditEvent.ForCommand(actor, action, result, listener, sessionIds, payload, problem?.Error ?? detail, nodes));
    }

    /// <summary>Checks the payload against every codec involved before anything is queued.</summary>
    internal static bool TryValidatePayload(IEnumerable<Listener> listeners, byte[] payload, out CommandResult problem)
    {
        foreach (var listener in listeners)
        {
            if (!listener.Codec.TryValidatePayload(payload, out var error))
            {
                problem = CommandResult.Invalid($"Listener '{listener.Name}' ({listener.Options.Framing}): {error}");
                return false;
            }
        }

        problem = null!;
        return true;
    }

    /// <summary>
    /// Queues the payload for every session, in slices as a broker's fan-out is done: each slice of
    /// sessions (at most <see cref="Hosting.ListenerOptions.FanOutSliceDeliveries"/> of them, the smallest
    /// of the listeners involved, and at most <see cref="Session.MaxFanOutSliceBytes"/> of copies) is
    /// queued first and woken after, and the thread is given up between slices. The writers woken may run
    /// right here, inline; this runs on an API or hub thread, never on an event loop.
    /// </summary>
    private static async Task<CommandResult> EnqueueAsync(IReadOnlyList<Session> sessions, byte[] payload)
    {
        var sent = new List<string>(sessions.Count);
        Dictionary<string, SendResult>? failed = null;
        var slice = SliceLength(sessions, payload.Length);
        for (var start = 0; start < sessions.Count; start += slice)
        {
            if (start > 0)
            {
                await Task.Yield();
            }

            var end = Math.Min(sessions.Count, start + slice);
            for (var i = start; i < end; i++)
            {
                var session = sessions[i];
                var result = session.EnqueueCommand(payload, wake: false);
                if (result == SendResult.Queued)
                {
                    sent.Add(session.Id);
                }
                else
                {
                    (failed ??= [])[session.Id] = result;
                }
            }

            for (var i = start; i < end; i++)
            {
                sessions[i].FlushOutbound();
            }
        }

        return CommandResult.Ok(sent, failed, payload.Length);
    }

    /// <summary>How many sessions one slice of a send or broadcast queues the payload for (at least one).</summary>
    private static int SliceLength(IReadOnlyList<Session> sessions, int payloadLength)
    {
        var deliveries = int.MaxValue;
        Listener? last = null;
        foreach (var session in sessions)
        {
            if (!ReferenceEquals(session.Listener, last))
            {
                last = session.Listener;
                deliveries = Math.Min(deliveries, last.Options.FanOutSliceDeliveries);
            }
        }

        var byBytes = Session.MaxFanOutSliceBytes / Math.Max(1, payloadLength);
        return (int)Math.Max(1, Math.Min(deliveries, byBytes));
    }

    private bool TryResolve(IReadOnlyCollection<string>? ids, out List<Session> sessions, out CommandResult problem)
    {
        sessions = [];
        if (!TryCheckTargets(ids, out problem))
        {
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
            problem = UnknownSessions(unknown);
            return false;
        }

        problem = null!;
        return true;
    }

    /// <summary>The NotFound answer for ids that name no live session.</summary>
    internal static CommandResult UnknownSessions(List<string> unknown) =>
        CommandResult.NotFound($"No live session with id {string.Join(", ", unknown.Take(20).Select(u => $"'{u}'"))}{(unknown.Count > 20 ? $" and {unknown.Count - 20} more" : string.Empty)}.");

    /// <summary>Checks what can be checked of a target list without looking anything up: at least one id,
    /// at most <see cref="MaxTargets"/>, none longer than <see cref="MaxSessionIdLength"/>.</summary>
    internal static bool TryCheckTargets([NotNullWhen(true)] IReadOnlyCollection<string>? ids, out CommandResult problem)
    {
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

        if (ids.FirstOrDefault(id => id is { Length: > MaxSessionIdLength }) is { } tooLong)
        {
            problem = CommandResult.Invalid($"sessionIds: a session id is at most {MaxSessionIdLength} characters (one has {tooLong.Length}).");
            return false;
        }

        problem = null!;
        return true;
    }
}
