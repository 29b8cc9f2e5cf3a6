using System.Net.Sockets;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>
/// One outbound connection at run time: its listener-like entry (named after it) and its dial loop, which
/// dials, runs the session, and after a remote close or a failure waits (exponential backoff with jitter)
/// and dials again. A kick, a stop or the server's shutdown ends the loop (<see cref="OutboundState.Stopped"/>).
/// </summary>
internal sealed class OutboundConnection
{
    /// <summary>A session that lasted at least this long resets the backoff to <c>ReconnectMin</c>.</summary>
    private static readonly TimeSpan StableSession = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly OutboundDialer _dialer;
    private readonly ILogger _logger;
    private readonly Action<OutboundConnection>? _kicked;
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;
    private OutboundState _state = OutboundState.Stopped;
    private string? _lastError;
    private long _attempts;
    private string? _sessionId;
    private DateTimeOffset? _connectedAt;
    private DateTimeOffset? _nextAttemptAt;

    public OutboundConnection(string name, OutboundConnectionOptions options, OutboundTarget target, bool fromConfiguration, OutboundBudget outboundBudget, OutboundDialer dialer, ILogger logger, Action<OutboundConnection>? kicked = null)
    {
        _kicked = kicked;
        Name = name;
        Options = options;
        Target = target;
        FromConfiguration = fromConfiguration;
        _dialer = dialer;
        _logger = logger;
        Listener = new Listener(name, new ListenerOptions
        {
            Address = target.Host,
            Port = target.Port,
            Mode = ListenerMode.Monitor,
            Framing = options.Framing,
            MaxConnections = 1,
            IdleTimeout = options.IdleTimeout,
            InlineScheduling = false,
        }, outboundBudget);
    }

    public string Name { get; }

    public OutboundConnectionOptions Options { get; }

    public OutboundTarget Target { get; }

    public bool FromConfiguration { get; }

    /// <summary>The listener-like entry its sessions belong to.</summary>
    public Listener Listener { get; }

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _stop is not null;
            }
        }
    }

    /// <summary>Starts the dial loop (nothing when it runs).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_stop is not null)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            _attempts = 0;
            _lastError = null;
            _state = OutboundState.Connecting;
            var token = _stop.Token;
            _loop = Task.Run(() => LoopAsync(token), CancellationToken.None);
        }
    }

    /// <summary>Stops the dial loop and closes the live session (as <paramref name="reason"/>), and waits for both.</summary>
    public async Task StopAsync(CloseReason reason, string detail)
    {
        Task loop;
        lock (_gate)
        {
            _stop?.Cancel();
            loop = _loop;
            if (_sessionId is { } id && _dialer.Registry.TryGet(id, out var session))
            {
                session.Close(reason, detail);
            }
        }

        await loop.ConfigureAwait(false);
    }

    public OutboundConnectionInfo Snapshot()
    {
        lock (_gate)
        {
            return new OutboundConnectionInfo(
                Name,
                Target.ToString(),
                FromConfiguration ? "config" : "api",
                "outbound",
                Options.Framing,
                Options.Framing.ToString(),
                _state,
                _lastError,
                _attempts,
                _sessionId,
                _connectedAt,
                _nextAttemptAt,
                (long)Options.ReconnectMin.TotalMilliseconds,
                (long)Options.ReconnectMax.TotalMilliseconds);
        }
    }

    private async Task LoopAsync(CancellationToken token)
    {
        var failures = 0;
        string why = "stopped by an operator";
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (_dialer.Registry.IsDraining)
                {
                    why = "the server is shutting down";
                    break;
                }

                Set(OutboundState.Connecting, error: null, keepError: true);
                Interlocked.Increment(ref _attempts);
                var startedAt = DateTimeOffset.UtcNow;
                string error;
                try
                {
                    var addresses = await _dialer.ResolveAllowedAsync(Target, token).ConfigureAwait(false);
                    var reason = await _dialer.RunAsync(addresses, Target.Port, Listener, id => Connected(id), token).ConfigureAwait(false);
                    if (reason is CloseReason.Kicked or CloseReason.ServerShutdown)
                    {
                        why = reason == CloseReason.Kicked ? "kicked" : "the server is shutting down";
                        if (reason == CloseReason.Kicked && !token.IsCancellationRequested)
                        {
                            _kicked?.Invoke(this);
                        }

                        break;
                    }

                    error = reason is null ? "refused by the listener's limits" : $"session closed: {reason}";
                    failures = DateTimeOffset.UtcNow - startedAt >= StableSession ? 1 : failures + 1;
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    break;
                }
                catch (OutboundRefusedException ex)
                {
                    // Re-checked on each redial: a name may resolve elsewhere later, or the list may be fixed by a restart.
                    _logger.OutboundRefused(Name, ex.Message);
                    error = ex.Message;
                    failures++;
                }
                catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
                {
                    error = ex.Message;
                    failures++;
                }

                var delay = Backoff(failures);
                lock (_gate)
                {
                    _sessionId = null;
                    _connectedAt = null;
                    _lastError = error;
                    _state = OutboundState.Backoff;
                    _nextAttemptAt = DateTimeOffset.UtcNow + delay;
                }

                _logger.OutboundBackoff(Name, Target.ToString(), error, (long)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            _logger.OutboundLoopFailed(ex, Name);
            why = ex.Message;
            lock (_gate)
            {
                _lastError = ex.Message;
            }
        }
        finally
        {
            lock (_gate)
            {
                _state = OutboundState.Stopped;
                _sessionId = null;
                _connectedAt = null;
                _nextAttemptAt = null;
                _stop?.Dispose();
                _stop = null;
            }

            _logger.OutboundStopped(Name, Target.ToString(), why);
        }
    }

    private void Connected(string sessionId)
    {
        lock (_gate)
        {
            _sessionId = sessionId;
            _connectedAt = DateTimeOffset.UtcNow;
            _nextAttemptAt = null;
            _state = OutboundState.Connected;
        }

        _logger.OutboundConnected(Name, Target.ToString(), sessionId);
    }

    private void Set(OutboundState state, string? error, bool keepError)
    {
        lock (_gate)
        {
            _state = state;
            _nextAttemptAt = null;
            if (!keepError)
            {
                _lastError = error;
            }
        }
    }

    /// <summary><c>ReconnectMin</c> doubled per failure after the first, at most <c>ReconnectMax</c>, ±20% jitter (still at most the max).</summary>
    internal TimeSpan Backoff(int failures)
    {
        var min = Options.ReconnectMin.TotalMilliseconds;
        var max = Options.ReconnectMax.TotalMilliseconds;
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var delay = Math.Min(max, min * Math.Pow(2, exponent));
        delay *= 0.8 + (0.4 * Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Clamp(delay, 1, max));
    }
}
