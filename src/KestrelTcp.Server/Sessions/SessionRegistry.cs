using System.Collections.Concurrent;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Metrics;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Every live session, by id, plus the recently closed ones with their reasons. Sessions are added on
/// connect and removed in the handler's <c>finally</c>, so the registry never leaks whatever the close.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly RecentlyClosedSessions _closed;
    private readonly SessionEvents _events;
    private readonly long[] _closeCounts = new long[Enum.GetValues<CloseReason>().Length];
    private readonly Lock _drainGate = new();
    private readonly SessionDurations? _durations;
    private readonly ISessionObserver? _observer;
    private TaskCompletionSource? _empty;
    private long _openedTotal;
    private int _draining;

    public SessionRegistry(IOptions<KestrelTcpOptions> options, SessionEvents events, DeviceDirectory? devices = null, SessionDurations? durations = null, ISessionObserver? observer = null)
    {
        _observer = observer;
        _durations = durations;
        Devices = devices ?? new DeviceDirectory();
        _closed = new RecentlyClosedSessions(options.Value.RecentlyClosedCapacity);
        _events = events;
    }

    public int Count => _sessions.Count;

    /// <summary>Which live session is which device.</summary>
    public DeviceDirectory Devices { get; }

    public long OpenedTotal => Interlocked.Read(ref _openedTotal);

    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    public ICollection<Session> All => _sessions.Values;

    /// <summary>The live sessions, walked without copying them into a list first (unlike <see cref="All"/>):
    /// for passes over every session that do not need a stable count.</summary>
    public IEnumerable<Session> Live()
    {
        foreach (var pair in _sessions)
        {
            yield return pair.Value;
        }
    }

    public bool TryGet(string id, out Session session) => _sessions.TryGetValue(id, out session!);

    public void Add(Session session)
    {
        _sessions[session.Id] = session;
        session.Listener.AddSession(session);
        Interlocked.Increment(ref _openedTotal);
        _events.Publish(new SessionEvent(SessionEventKind.Opened, session));
        _observer?.Opened(session);
    }

    public void Remove(Session session)
    {
        session.Listener.RemoveSession(session);
        Devices.Release(session);
        if (!_sessions.TryRemove(session.Id, out _))
        {
            return;
        }

        var info = session.Snapshot();
        RecordClosed(info);
        _durations?.Record(info);
        _events.Publish(new SessionEvent(SessionEventKind.Closed, session));
        _observer?.Closed(info);
        if (_sessions.IsEmpty)
        {
            lock (_drainGate)
            {
                _empty?.TrySetResult();
            }
        }
    }

    /// <summary>Records a connection that never became a session (refused at the connection limit).</summary>
    public void RecordClosed(SessionInfo info)
    {
        _closed.Add(info);
        if (info.CloseReason is { } reason)
        {
            Interlocked.Increment(ref _closeCounts[(int)reason]);
        }
    }

    public SessionInfo[] RecentlyClosed() => _closed.Snapshot();

    public IReadOnlyDictionary<CloseReason, long> CloseCounts() =>
        Enum.GetValues<CloseReason>().ToDictionary(r => r, r => Interlocked.Read(ref _closeCounts[(int)r]));

    /// <summary>Stops taking sessions, asks every session to flush and close, and waits until all are
    /// gone or <paramref name="cancellationToken"/> fires.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task empty;
        lock (_drainGate)
        {
            Volatile.Write(ref _draining, 1);
            _empty ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_sessions.IsEmpty)
            {
                _empty.TrySetResult();
            }

            empty = _empty.Task;
        }

        foreach (var session in _sessions.Values)
        {
            session.Close(CloseReason.ServerShutdown, "The server is shutting down.");
        }

        await empty.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the registry as draining so that readiness reports 503 and new connections are refused.</summary>
    public void BeginDrain() => Volatile.Write(ref _draining, 1);
}
