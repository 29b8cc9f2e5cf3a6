namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>Where an outbound connection is in its dial loop.</summary>
public enum OutboundState
{
    /// <summary>Resolving and dialing the target.</summary>
    Connecting,

    /// <summary>Connected: a session like any other (<c>SessionId</c>).</summary>
    Connected,

    /// <summary>Waiting before the next dial (<c>NextAttemptAt</c>) after a failure or a close by the remote.</summary>
    Backoff,

    /// <summary>Not dialing: kicked, stopped by an operator, or the server is shutting down. <c>POST /api/connections/{name}/start</c> resumes.</summary>
    Stopped,
}
