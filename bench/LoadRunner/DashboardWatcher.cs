using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LoadRunner;

/// <summary>
/// A dashboard as the browser runs it: connected to the hub, receiving the snapshot, deltas and totals,
/// and watching one session's traffic (the first session that appears).
/// </summary>
internal sealed class DashboardWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly TaskCompletionSource _snapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long FramesIn, TaskCompletionSource<TimeSpan>? Waiter, long WantFramesIn)> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idsByEndpoint = new(StringComparer.Ordinal);
    private int _watching;
    private long _trafficFrames;
    private long _messages;

    private DashboardWatcher(HubConnection connection) => _connection = connection;

    public long TrafficFrames => Interlocked.Read(ref _trafficFrames);

    public long Messages => Interlocked.Read(ref _messages);

    public bool WatchFirstSession { get; init; } = true;

    public static async Task<DashboardWatcher> StartAsync(int httpPort, string apiKey, bool watchFirstSession = true)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{httpPort}/hubs/dashboard", o => o.Headers["X-Api-Key"] = apiKey)
            .Build();
        var watcher = new DashboardWatcher(connection) { WatchFirstSession = watchFirstSession };
        connection.On<JsonElement>("Snapshot", snapshot =>
        {
            Interlocked.Increment(ref watcher._messages);
            if (snapshot.TryGetProperty("sessions", out var sessions))
            {
                watcher.Observe(sessions);
            }

            watcher._snapshot.TrySetResult();
        });
        connection.On<JsonElement>("SessionsChanged", delta =>
        {
            Interlocked.Increment(ref watcher._messages);
            if (delta.TryGetProperty("upserted", out var upserted))
            {
                watcher.Observe(upserted);
            }
        });
        connection.On<JsonElement>("TotalsChanged", _ => Interlocked.Increment(ref watcher._messages));
        connection.On<JsonElement>("Traffic", batch =>
        {
            Interlocked.Increment(ref watcher._messages);
            if (batch.TryGetProperty("frames", out var frames))
            {
                Interlocked.Add(ref watcher._trafficFrames, frames.GetArrayLength());
            }
        });
        await connection.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return watcher;
    }

    /// <summary>Waits for the first snapshot and returns how long it took since the watcher was created.</summary>
    public async Task<TimeSpan> WaitForSnapshotAsync(TimeSpan timeout)
    {
        await _snapshot.Task.WaitAsync(timeout);
        return _clock.Elapsed;
    }

    /// <summary>Completes when a delta shows <paramref name="sessionId"/> with more than <paramref name="framesIn"/> frames in.</summary>
    public Task<TimeSpan> WaitForFramesInAsync(string sessionId, long framesIn)
    {
        var waiter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _seen.GetValueOrDefault(sessionId);
            if (seen.FramesIn > framesIn)
            {
                waiter.TrySetResult(_clock.Elapsed);
            }
            else
            {
                _seen[sessionId] = (seen.FramesIn, waiter, framesIn);
            }
        }

        return waiter.Task;
    }

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<string> KnownSessions()
    {
        lock (_gate)
        {
            return [.. _seen.Keys];
        }
    }

    /// <summary>The session id the dashboard shows for a client endpoint, if it has seen it.</summary>
    public string? SessionIdOf(string remoteEndPoint)
    {
        lock (_gate)
        {
            return _idsByEndpoint.GetValueOrDefault(remoteEndPoint);
        }
    }

    public long FramesIn(string sessionId)
    {
        lock (_gate)
        {
            return _seen.GetValueOrDefault(sessionId).FramesIn;
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private void Observe(JsonElement rows)
    {
        string? first = null;
        lock (_gate)
        {
            foreach (var row in rows.EnumerateArray())
            {
                var id = row.GetProperty("id").GetString()!;
                if (row.TryGetProperty("remoteEndPoint", out var endpoint) && endpoint.GetString() is { } text)
                {
                    _idsByEndpoint[text] = id;
                }

                var framesIn = row.GetProperty("framesIn").GetInt64();
                var seen = _seen.GetValueOrDefault(id);
                if (seen.Waiter is not null && framesIn > seen.WantFramesIn)
                {
                    seen.Waiter.TrySetResult(_clock.Elapsed);
                    seen = (framesIn, null, 0);
                }

                _seen[id] = (framesIn, seen.Waiter, seen.WantFramesIn);
                first ??= id;
            }
        }

        if (first is not null && WatchFirstSession && Interlocked.Exchange(ref _watching, 1) == 0)
        {
            _ = _connection.InvokeAsync<JsonElement>("Watch", first);
        }
    }
}
