namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>How the owner answered a request.</summary>
public enum NodeReplyStatus
{
    /// <summary>Accepted and carried out (or, for reads, answered).</summary>
    Ok,

    /// <summary>The session or listener is not there (any more); nothing was done.</summary>
    NotFound,

    /// <summary>The owner refused the request (a payload its framing refuses); nothing was done.</summary>
    Invalid,

    /// <summary>The owner had too many requests from other nodes in hand; nothing was done.</summary>
    Busy,

    /// <summary>The owner failed while carrying it out (its answer would be too large, an error).</summary>
    Failed,
}
