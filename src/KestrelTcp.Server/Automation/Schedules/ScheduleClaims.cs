using KestrelTcp.Server.Cluster;
using StackExchange.Redis;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>
/// Makes each run happen once in a cluster: before running slot S of schedule X a node sets
/// <c>{prefix}:schedule:{X}:{S}</c> with <c>SET NX PX</c>; only the node that set it runs. With clustering
/// off there is no Redis and every claim is granted. When Redis cannot be reached the claim is refused
/// (the run is skipped and says so): a run missed is better than a run repeated on every node.
/// </summary>
internal sealed class ScheduleClaims(ClusterRedis? redis, LocalNode? node)
{
    /// <summary>How long a claim is kept: longer than the clocks of two nodes may differ.</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(2);

    public bool Clustered => redis is not null;

    /// <summary>True when this node is to run <paramref name="slot"/> of <paramref name="scheduleId"/>.</summary>
    public async Task<bool> TryClaimAsync(string scheduleId, DateTimeOffset slot)
    {
        if (redis is null)
        {
            return true;
        }

        var connection = await redis.ConnectAsync().ConfigureAwait(false);
        var key = (RedisKey)$"{redis.Keys.Prefix}:schedule:{scheduleId}:{slot.ToUnixTimeMilliseconds()}";
        return await connection.GetDatabase().StringSetAsync(key, node?.Name ?? "node", ClaimLifetime, When.NotExists).ConfigureAwait(false);
    }
}
