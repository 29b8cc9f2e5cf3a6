using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Admits the HTTP connections of every HTTP endpoint into their part of the <see cref="DescriptorBudget"/>.
/// A new connection is anonymous: it takes a place in the anonymous share, and when that is full it
/// takes the place of the oldest idle anonymous connection (or, with none idle, the oldest), which is
/// closed; so a flood of anonymous connections churns only itself, while a probe, the login page or a
/// signed-in browser's new connection gets in and is answered. A request that signs in (cookie or API
/// key) moves its connection to the signed-in share, where only Kestrel's keep-alive timeout applies;
/// an anonymous connection with no request in progress for <see cref="HttpLimitsOptions.AnonymousIdleTimeout"/>
/// is closed (<see cref="HttpIdleSweeper"/>). The shares together are <see cref="DescriptorBudget.MaxHttpConnections"/>.
/// </summary>
internal sealed class HttpConnectionBudget
{
    private readonly Lock _lock = new();
    private readonly LinkedList<HttpConnectionState> _anonymous = new();
    private readonly ILogger _logger;
    private readonly WarningInterval _evictionWarnings = new(TimeSpan.FromSeconds(30));
    private readonly WarningInterval _signedInWarnings = new(TimeSpan.FromSeconds(30));
    private readonly long _idleTimeoutMilliseconds;
    private int _signedIn;
    private long _evicted;
    private long _idleClosed;
    private long _signedInFull;

    public HttpConnectionBudget(DescriptorBudget budget, IOptions<HttpLimitsOptions> options, ILogger<HttpConnectionBudget> logger)
    {
        _logger = logger;
        MaxAnonymous = budget.MaxAnonymousHttpConnections;
        MaxSignedIn = budget.MaxHttpConnections - budget.MaxAnonymousHttpConnections;
        _idleTimeoutMilliseconds = (long)options.Value.AnonymousIdleTimeout.TotalMilliseconds;
    }

    public int MaxAnonymous { get; }

    public int MaxSignedIn { get; }

    public int Anonymous
    {
        get
        {
            lock (_lock)
            {
                return _anonymous.Count;
            }
        }
    }

    public int SignedIn => Volatile.Read(ref _signedIn);

    /// <summary>Anonymous connections closed to make room for new ones, since start.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Anonymous connections closed for being idle too long, since start.</summary>
    public long IdleClosed => Interlocked.Read(ref _idleClosed);

    /// <summary>The connection middleware of every HTTP endpoint (before TLS, so a flood costs no handshakes).</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next) => connection => OnConnectionAsync(connection, next);

    /// <summary>Moves the connection of a request that signed in to the signed-in share, if there is room.</summary>
    public void MarkSignedIn(HttpConnectionState state)
    {
        bool full;
        lock (_lock)
        {
            if (state.SignedIn || state.Closed)
            {
                return;
            }

            full = _signedIn >= MaxSignedIn;
            if (!full)
            {
                _anonymous.Remove(state.Node);
                state.SignedIn = true;
                _signedIn++;
            }
        }

        if (full)
        {
            // It stays anonymous: served, but under the anonymous rules.
            Interlocked.Increment(ref _signedInFull);
            if (_signedInWarnings.TryTake())
            {
                _logger.HttpSignedInShareFull(MaxSignedIn, Interlocked.Exchange(ref _signedInFull, 0));
            }
        }
    }

    /// <summary>Closes the anonymous connections that have had no request in progress for the idle timeout.</summary>
    public int CloseIdle()
    {
        List<HttpConnectionState>? idle = null;
        var now = Environment.TickCount64;
        lock (_lock)
        {
            for (var node = _anonymous.First; node is not null;)
            {
                var next = node.Next;
                var state = node.Value;
                if (state.IsIdle && now - state.LastActiveTicks >= _idleTimeoutMilliseconds)
                {
                    _anonymous.Remove(node);
                    state.Closed = true;
                    (idle ??= []).Add(state);
                }

                node = next;
            }
        }

        foreach (var state in idle ?? [])
        {
            state.Connection.Abort(new ConnectionAbortedException("The connection was idle too long without signing in."));
        }

        Interlocked.Add(ref _idleClosed, idle?.Count ?? 0);
        return idle?.Count ?? 0;
    }

    private async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var state = new HttpConnectionState(connection, this, Environment.TickCount64);
        HttpConnectionState? evicted = null;
        lock (_lock)
        {
            if (_anonymous.Count >= MaxAnonymous)
            {
                evicted = OldestIdle() ?? _anonymous.First!.Value;
                _anonymous.Remove(evicted.Node);
                evicted.Closed = true;
            }

            _anonymous.AddLast(state.Node);
        }

        if (evicted is not null)
        {
            evicted.Connection.Abort(new ConnectionAbortedException("The anonymous HTTP connections are at their share; the oldest idle one makes room."));
            Interlocked.Increment(ref _evicted);
            if (_evictionWarnings.TryTake())
            {
                _logger.HttpAnonymousShareFull(MaxAnonymous, MaxAnonymous + MaxSignedIn, Evicted);
            }
        }

        connection.Features.Set(state);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                if (state.SignedIn)
                {
                    _signedIn--;
                }
                else if (!state.Closed)
                {
                    _anonymous.Remove(state.Node);
                }

                state.Closed = true;
            }
        }
    }

    private HttpConnectionState? OldestIdle()
    {
        for (var node = _anonymous.First; node is not null; node = node.Next)
        {
            if (node.Value.IsIdle)
            {
                return node.Value;
            }
        }

        return null;
    }
}
