using System.Security.Cryptography;
using System.Text;
using KestrelTcp.Server.Security;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// The cluster's shared sign-in and API-key failures and locks, on the node's one Redis connection:
/// per throttle key a sorted set <c>{p}:lockout:failures:{key}</c> of failure times (at most
/// <c>maxFailures</c> members, expiring after the window) and a string <c>{p}:lockout:locked:{key}</c> holding
/// when the lock ends (expiring with it). Counting, trimming and locking run in one Lua script, so two
/// nodes failing at once cannot both miss the limit. Keys are lower-cased; one longer than
/// <see cref="MaxPlainKeyBytes"/> is replaced by its SHA-256, so a client cannot make a key long.
/// <para>
/// Bounded waits: every call answers within <see cref="ClusterOptions.CommandTimeout"/>, at once when Redis
/// is not connected, and for <see cref="ClusterOptions.CommandTimeout"/> after a call that failed or timed
/// out it does not ask Redis at all; then it says it could not answer and <see cref="FailureThrottle"/>
/// decides on this node's own count (degraded, never unlimited). Times are the throttle's clock (the
/// lock's end is a value, not only a TTL), so nodes agree as far as their clocks do.
/// </para>
/// </summary>
internal sealed class RedisFailureStore : ISharedFailureStore
{
    /// <summary>Longest throttle key kept as it is in a Redis key name; longer ones are hashed.</summary>
    public const int MaxPlainKeyBytes = 96;

    // KEYS: failures, locked. ARGV: now ms, window ms, max failures, duration ms, lock now (0/1), member.
    // Returns { failures (-1: it was locked already), locked-until ms (0: none) }.
    private const string RecordScript = """
        local now = tonumber(ARGV[1])
        local locked = tonumber(redis.call('GET', KEYS[2]) or '0')
        if locked > now then
          return { -1, locked }
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
        redis.call('ZADD', KEYS[1], now, ARGV[6])
        local count = redis.call('ZCARD', KEYS[1])
        if count >= tonumber(ARGV[3]) or ARGV[5] == '1' then
          redis.call('DEL', KEYS[1])
          local untilMs = now + tonumber(ARGV[4])
          redis.call('SET', KEYS[2], untilMs, 'PX', tonumber(ARGV[4]))
          return { count, untilMs }
        end
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
        return { count, 0 }
        """;

    private readonly ClusterRedis _redis;
    private readonly LocalNode _local;
    private readonly TimeSpan _timeout;
    private readonly ILogger<RedisFailureStore> _logger;
    private long _member;
    private long _skipUntil;
    private int _degraded;

    public RedisFailureStore(ClusterRedis redis, LocalNode local, IOptions<ClusterOptions> options, ILogger<RedisFailureStore> logger)
    {
        _redis = redis;
        _local = local;
        _timeout = options.Value.CommandTimeout;
        _logger = logger;
    }

    /// <summary>Whether the last call could not reach Redis (this node locks on its own count meanwhile).</summary>
    public bool Degraded => Volatile.Read(ref _degraded) != 0;

    /// <summary>The Redis key of a throttle key: lower-cased, hashed when long.</summary>
    public static string KeyPart(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lower = key.ToLowerInvariant();
        return Encoding.UTF8.GetByteCount(lower) <= MaxPlainKeyBytes
            ? lower
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lower)));
    }

    public RedisKey FailuresKey(string key) => $"{_redis.Keys.Prefix}:lockout:failures:{KeyPart(key)}";

    public RedisKey LockedKey(string key) => $"{_redis.Keys.Prefix}:lockout:locked:{KeyPart(key)}";

    public async ValueTask<SharedFailureState> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (await DatabaseAsync(cancellationToken).ConfigureAwait(false) is not { } db)
        {
            return SharedFailureState.Unanswered;
        }

        try
        {
            var value = await db.StringGetAsync(LockedKey(key)).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            Answered();
            return new SharedFailureState(true, 0, value.TryParse(out long until) && until > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Unanswered(ex);
        }
    }

    public async ValueTask<SharedFailureState> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, TimeSpan window, TimeSpan duration, bool lockNow, CancellationToken cancellationToken)
    {
        if (await DatabaseAsync(cancellationToken).ConfigureAwait(false) is not { } db)
        {
            return SharedFailureState.Unanswered;
        }

        var member = $"{_local.InstanceId}:{Interlocked.Increment(ref _member)}";
        try
        {
            var result = await db.ScriptEvaluateAsync(
                RecordScript,
                [FailuresKey(key), LockedKey(key)],
                [now.ToUnixTimeMilliseconds(), Milliseconds(window), maxFailures, Milliseconds(duration), lockNow ? 1 : 0, member])
                .WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            var values = (RedisResult[])result!;
            var count = (long)values[0];
            var until = (long)values[1];
            Answered();
            return new SharedFailureState(true, (int)Math.Max(0, count), until > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidCastException)
        {
            return Unanswered(ex);
        }
    }

    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken)
    {
        if (await DatabaseAsync(cancellationToken).ConfigureAwait(false) is not { } db)
        {
            return;
        }

        try
        {
            await db.KeyDeleteAsync(FailuresKey(key)).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            Answered();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Unanswered(ex);
        }
    }

    private static long Milliseconds(TimeSpan time) => Math.Max(1, (long)time.TotalMilliseconds);

    /// <summary>The database, or null when Redis is not to be asked now (not connected, or it failed a
    /// moment ago); never waits longer than the command timeout.</summary>
    private async ValueTask<IDatabase?> DatabaseAsync(CancellationToken cancellationToken)
    {
        if (Environment.TickCount64 < Volatile.Read(ref _skipUntil))
        {
            return null;
        }

        try
        {
            var connection = await _redis.ConnectAsync().WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
            if (connection.IsConnected)
            {
                return connection.GetDatabase();
            }

            Unanswered(null);
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Unanswered(ex);
            return null;
        }
    }

    private void Answered()
    {
        if (Interlocked.Exchange(ref _degraded, 0) == 1)
        {
            _logger.SharedLockoutsRestored(_redis.Endpoint);
        }
    }

    private SharedFailureState Unanswered(Exception? error)
    {
        Volatile.Write(ref _skipUntil, Environment.TickCount64 + (long)_timeout.TotalMilliseconds);
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            _logger.SharedLockoutsDegraded(_redis.Endpoint, error?.Message ?? "not connected");
        }

        return SharedFailureState.Unanswered;
    }
}
