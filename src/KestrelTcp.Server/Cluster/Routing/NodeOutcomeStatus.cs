namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>What became of the part of a command meant for one node.</summary>
public enum NodeOutcomeStatus
{
    /// <summary>The node accepted it: its sessions are in the response's <c>sessions</c> (queued) or <c>failed</c>.</summary>
    Accepted,

    /// <summary>The node refused it (its framing refuses the payload, the listener is not there); nothing was done there.</summary>
    Refused,

    /// <summary>The node could not be reached (down, cut off from Redis, or Redis is down); nothing was sent there.</summary>
    Unreachable,

    /// <summary>The node did not answer within the command timeout: it may or may not have carried it out.</summary>
    Timeout,

    /// <summary>Too many commands in flight (here or on that node); nothing was sent there.</summary>
    Busy,
}
