using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// The Redis keys and channels of one cluster, all under <see cref="ClusterOptions.KeyPrefix"/>:
/// <list type="bullet">
/// <item><c>{p}:nodes</c>, a hash of node name to its <see cref="NodeRecord"/> (rewritten each heartbeat);</item>
/// <item><c>{p}:alive:{node}</c>, the node's instance id with a TTL of the node timeout: gone = Down;</item>
/// <item><c>{p}:sessions:{node}</c>, a hash of session id to its <c>SessionInfo</c>, plus <see cref="SeqField"/>;</item>
/// <item><c>{p}:closed:{node}</c>, a capped list of its recently closed sessions, newest first;</item>
/// <item><c>{p}:directory</c>, the channel of <see cref="DirectoryDelta"/> batches.</item>
/// </list>
/// </summary>
internal sealed class ClusterKeys(string prefix)
{
    /// <summary>The field of a sessions hash that holds <c>{instance}:{seq}</c> of the last batch in it.</summary>
    public const string SeqField = "~seq";

    public string Prefix { get; } = prefix;

    public RedisKey Nodes => $"{Prefix}:nodes";

    public RedisChannel Directory => RedisChannel.Literal($"{Prefix}:directory");

    /// <summary>Operators' edits of devices (alias, tags, notes, forget), from the node that took them to the others.</summary>
    public RedisChannel DeviceEdits => RedisChannel.Literal($"{Prefix}:device-edits");

    /// <summary>The latest edit of every edited device (device id to <see cref="DeviceEdit"/>), read by a node at start.</summary>
    public RedisKey DeviceMeta => $"{Prefix}:device-meta";

    public RedisKey Alive(string node) => $"{Prefix}:alive:{node}";

    public RedisKey Sessions(string node) => $"{Prefix}:sessions:{node}";

    public RedisKey Closed(string node) => $"{Prefix}:closed:{node}";

    /// <summary>The channel a node takes commands on.</summary>
    public RedisChannel Commands(string node) => RedisChannel.Literal($"{Prefix}:commands:{node}");

    /// <summary>The channel a node takes answers to its commands on.</summary>
    public RedisChannel Replies(string node) => RedisChannel.Literal($"{Prefix}:replies:{node}");
}
