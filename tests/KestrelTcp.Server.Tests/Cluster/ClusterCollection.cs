namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>The cluster tests start a redis-server and several nodes each: they run one after another,
/// not alongside each other, so a 2-core machine does not stretch their command timeouts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
