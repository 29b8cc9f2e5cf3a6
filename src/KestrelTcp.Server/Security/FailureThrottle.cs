using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Counts failures per key (a user name, a sign-in source address, or the source address of invalid API keys) and locks a key
/// for <see cref="LockoutOptions.Duration"/> once it has failed <see cref="LockoutOptions.MaxFailures"/>
/// times within <see cref="LockoutOptions.Window"/>. A locked key is refused before any password is
/// checked, so a lock also caps the CPU an attacker can spend on hashing. Time comes from
/// <see cref="TimeProvider"/>, so tests move the clock instead of waiting.
/// <para>
/// In a cluster an <see cref="ISharedFailureStore"/> (Redis) makes the count and the lock the same on every
/// node: failures on any node add up, and a lock made on one is seen on all (and kept here too, so it
/// holds if the store goes away). This process always counts as well: when the store does not answer
/// (Redis down or slow, each call bounded by the store) the lock falls back to this node's own count,
/// never to no limit. A single node has no store: everything stays in memory and completes synchronously.
/// </para>
/// </summary>
internal sealed class FailureThrottle
{
    /// <summary>Keys tracked at most; stale ones are dropped first. Bounds memory under a flood of made-up names.</summary>
    public const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly LockoutOptions _options;
    private readonly ISharedFailureStore? _shared;
    private long _nextPruneTicks;

    public FailureThrottle(IOptions<SecurityOptions> options, TimeProvider time, ISharedFailureStore? shared = null)
    {
        _options = options.Value.Lockout;
        _time = time;
        _shared = shared;
    }

    /// <summary>Whether failures and locks are shared with other nodes.</summary>
    public bool Shared => _shared is not null;

    /// <summary>How much longer <paramref name="key"/> is locked, or null when it is not: locked here, or
    /// (in a cluster) locked by any node.</summary>
    public ValueTask<TimeSpan?> LockedForAsync(string key, CancellationToken cancellationToken = default)
    {
        if (IsLocked(key, out var remaining))
        {
            return ValueTask.FromResult<TimeSpan?>(remaining);
        }

        return _shared is null ? ValueTask.FromResult<TimeSpan?>(null) : SharedLockedForAsync(key, cancellationToken);
    }

    /// <summary>Records a failure; returns how long the key is locked for when it is locked after it (this
    /// failure locked it, or in a cluster another node just did), else null.</summary>
    public ValueTask<TimeSpan?> RecordFailureAsync(string key, CancellationToken cancellationToken = default) =>
        RecordFailureAsync(key, _options.MaxFailures, cancellationToken);

    /// <summary>Records a failure against a key with its own limit (<paramref name="maxFailures"/> within the window).</summary>
    public ValueTask<TimeSpan?> RecordFailureAsync(string key, int maxFailures, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var locked = RecordLocal(key, maxFailures, now, out var lockedFor);
        if (_shared is null)
        {
            return ValueTask.FromResult<TimeSpan?>(locked ? lockedFor : null);
        }

        return SharedRecordAsync(key, maxFailures, now, locked ? lockedFor : null, cancellationToken);
    }

    /// <summary>Forgets the failures of <paramref name="key"/> (after a successful sign-in), here and in the
    /// shared store.</summary>
    public ValueTask ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(key, out _);
        return _shared is null ? ValueTask.CompletedTask : _shared.ResetAsync(key, cancellationToken);
    }

    private async ValueTask<TimeSpan?> SharedLockedForAsync(string key, CancellationToken cancellationToken)
    {
        var state = await _shared!.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return state.Answered ? Mirror(key, state.LockedUntil, _time.GetUtcNow()) : null;
    }

    private async ValueTask<TimeSpan?> SharedRecordAsync(string key, int maxFailures, DateTimeOffset now, TimeSpan? lockedHere, CancellationToken cancellationToken)
    {
        var state = await _shared!.RecordFailureAsync(key, now, maxFailures, _options.Window, _options.Duration, lockedHere is not null, cancellationToken).ConfigureAwait(false);
        if (!state.Answered)
        {
            // Degraded: this node's own count decides.
            return lockedHere;
        }

        return Mirror(key, state.LockedUntil, _time.GetUtcNow()) ?? lockedHere;
    }

    /// <summary>Keeps a lock the store reports here as well (so it holds if the store goes away); returns
    /// its remaining time, or null when there is none in force.</summary>
    private TimeSpan? Mirror(string key, DateTimeOffset? lockedUntil, DateTimeOffset now)
    {
        if (lockedUntil is not { } until || until <= now)
        {
            return null;
        }

        if (_entries.TryGetValue(key, out var entry) || _entries.Count < MaxKeys)
        {
            entry ??= _entries.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (entry.LockedUntil is not { } mine || mine < until)
                {
                    entry.LockedUntil = until;
                    entry.Failures.Clear();
                }

                entry.LastFailure = now;
            }
        }

        return until - now;
    }

    private bool IsLocked(string key, out TimeSpan remaining)
    {
        remaining = TimeSpan.Zero;
        if (!_entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            var now = _time.GetUtcNow();
            if (entry.LockedUntil is { } until && until > now)
            {
                remaining = until - now;
                return true;
            }

            return false;
        }
    }

    private bool RecordLocal(string key, int maxFailures, DateTimeOffset now, out TimeSpan lockedFor)
    {
        lockedFor = TimeSpan.Zero;
        PruneIfDue(now);
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= MaxKeys)
            {
                return false;
            }

            entry = _entries.GetOrAdd(key, static _ => new Entry());
        }

        lock (entry)
        {
            if (entry.LockedUntil is { } until)
            {
                if (until > now)
                {
                    lockedFor = until - now;
                    return false;
                }

                // The lock has run out: start counting afresh.
                entry.LockedUntil = null;
                entry.Failures.Clear();
            }

            while (entry.Failures.Count > 0 && now - entry.Failures.Peek() >= _options.Window)
            {
                entry.Failures.Dequeue();
            }

            entry.Failures.Enqueue(now);
            entry.LastFailure = now;
            if (entry.Failures.Count < maxFailures)
            {
                return false;
            }

            entry.Failures.Clear();
            entry.LockedUntil = now + _options.Duration;
            lockedFor = _options.Duration;
            return true;
        }
    }

    /// <summary>A lock's remaining time for people: "1 minute", "10 minutes" (rounded up).</summary>
    public static string Describe(TimeSpan time)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(time.TotalMinutes));
        return minutes == 1 ? "1 minute" : $"{minutes} minutes";
    }

    private void PruneIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPruneTicks, now.UtcTicks + TimeSpan.TicksPerMinute, due) != due)
        {
            return;
        }

        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                var locked = entry.LockedUntil is { } until && until > now;
                var recent = now - entry.LastFailure < _options.Window;
                if (!locked && !recent)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset? LockedUntil { get; set; }

        public DateTimeOffset LastFailure { get; set; }
    }
}
