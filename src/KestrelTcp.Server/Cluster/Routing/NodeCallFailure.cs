namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>Why a request to another node got no answer.</summary>
public enum NodeCallFailure
{
    /// <summary>Nobody took it: the node is not subscribed (down, or cut off from Redis), or Redis itself is
    /// not reachable from here (503).</summary>
    Unreachable,

    /// <summary>Published and taken, but no answer within <c>KestrelTcp:Cluster:CommandTimeout</c> (504).</summary>
    Timeout,

    /// <summary>This node already waits on <c>MaxPendingCommands</c> answers, or the owner was busy (503).</summary>
    TooManyInFlight,

    /// <summary>The node answered that it failed to carry it out (its answer would be too large, an error) (502).</summary>
    Failed,

    /// <summary>The request is larger than <c>MaxCommandBytes</c> (400).</summary>
    TooLarge,
}
