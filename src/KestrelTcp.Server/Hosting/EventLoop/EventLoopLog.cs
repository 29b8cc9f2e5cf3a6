namespace KestrelTcp.Server.Hosting.EventLoop;

/// <summary>Log messages of the event-loop transport, with stable event ids (7xx).</summary>
internal static partial class EventLoopLog
{
    [LoggerMessage(EventId = 700, EventName = "EventLoopConnectionFailed", Level = LogLevel.Error,
        Message = "Connection {ConnectionId} failed on its event loop; it is aborted")]
    public static partial void ConnectionFailed(this ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 701, EventName = "EventLoopFailed", Level = LogLevel.Critical,
        Message = "epoll_wait failed (errno {Errno}); the event loop stops")]
    public static partial void LoopFailed(this ILogger logger, int errno);

    [LoggerMessage(EventId = 702, EventName = "AcceptOutOfResources", Level = LogLevel.Warning,
        Message = "Listener {EndPoint} cannot accept connections: {Reason}. They wait in the backlog; retrying every {RetryMilliseconds} ms (said at most every 30 s)")]
    public static partial void AcceptOutOfResources(this ILogger logger, System.Net.EndPoint endPoint, string reason, int retryMilliseconds);
}
