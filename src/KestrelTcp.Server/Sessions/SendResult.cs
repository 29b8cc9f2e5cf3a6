namespace KestrelTcp.Server.Sessions;

/// <summary>The outcome of putting a payload on a session's outbound queue.</summary>
public enum SendResult
{
    /// <summary>Queued; the session's writer loop will send it.</summary>
    Queued,

    /// <summary>The session is closed or closing; nothing was queued.</summary>
    Closed,

    /// <summary>The queue was over its limit; the session is being closed as SlowConsumer.</summary>
    SlowConsumer,

    /// <summary>The server's outbound budget (<c>MaxTotalOutboundBytes</c>) is in use; nothing was queued
    /// and the session stays open. Only operator sends get this; try again later.</summary>
    ServerBusy,
}
