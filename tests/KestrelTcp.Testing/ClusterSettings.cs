namespace KestrelTcp.Testing;

/// <summary>Settings that make a <see cref="TestServer"/> a node of a cluster on <paramref name="redis"/>,
/// with short intervals so that tests see heartbeats, batches and timeouts in well under a second.</summary>
public static class ClusterSettings
{
    public static Dictionary<string, string?> For(RedisServer redis, string node, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["KestrelTcp:Cluster:Redis"] = redis.ConfigurationString,
            ["KestrelTcp:Cluster:NodeName"] = node,
            ["KestrelTcp:Cluster:HeartbeatInterval"] = "00:00:00.200",
            ["KestrelTcp:Cluster:NodeTimeout"] = "00:00:01.500",
            ["KestrelTcp:Cluster:DirectoryInterval"] = "00:00:00.050",
            ["KestrelTcp:Cluster:CountersInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as environment variables, for a node run as a process of its own.</summary>
    public static Dictionary<string, string?> AsEnvironment(IDictionary<string, string?> settings) =>
        settings.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value);
}
