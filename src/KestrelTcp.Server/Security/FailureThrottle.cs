using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Counts failures per key (a user name, a sign-in source address, or the source address of invalid API keys) and locks a key
/// for <see cref="LockoutOptions.Duration"/> once it has failed <see cref="LockoutOptions.MaxFailures"/>
/// times within <see cref="LockoutOptions.Window"/>. A locked key is refused before any password is
/// checked, so a lock also caps the CPU an attacker can spend on hashing. Time comes from
/// <see cref="TimeProvider"/>, so tests move the clock instead of waiting.
/// </summary>
internal sealed class FailureThrottle
{
    /// <summary>Keys tracked at most; stale ones are dropped first. Bounds memory under a flood of made-up names.</summary>
    public const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly LockoutOptions _options;
    private long _nextPruneTicks;

    public FailureThrottle(IOptions<SecurityOptions> options, TimeProvider time)
    {
        _options = options.Value.Lockout;
        _time = time;
    }

    /// <summary>Whether <paramref name="key"/> is locked now, and for how much longer.</summary>
    public bool IsLocked(string key, out TimeSpan remaining)
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

    /// <summary>Records a failure; returns true when this failure locked the key (for <paramref name="lockedFor"/>).</summary>
    public bool RecordFailure(string key, out TimeSpan lockedFor) => RecordFailure(key, _options.MaxFailures, out lockedFor);

    /// <summary>Records a failure against a key with its own limit (<paramref name="maxFailures"/> within the window).</summary>
    public bool RecordFailure(string key, int maxFailures, out TimeSpan lockedFor)
    {
        lockedFor = TimeSpan.Zero;
        var now = _time.GetUtcNow();
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

    /// <summary>Forgets the failures of <paramref name="key"/> (after a successful sign-in).</summary>
    public void Reset(string key) => _entries.TryRemove(key, out _);

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
