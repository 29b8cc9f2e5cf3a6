namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Log messages of the session layer, with stable event ids (1xx). Expected disconnects are logged
/// at Debug; anything an operator should look at carries the session id at Information or above.
/// </summary>
internal static partial class SessionLog
{
    public static IDisposable? BeginSessionScope(this ILogger logger, Session session) =>
        logger.BeginScope(new SessionLogScope(session));

    [LoggerMessage(EventId = 100, EventName = "SessionOpened", Level = LogLevel.Debug,
        Message = "Session {SessionId} opened on listener {Listener} from {RemoteEndPoint}")]
    public static partial void SessionOpened(this ILogger logger, string sessionId, string listener, System.Net.EndPoint? remoteEndPoint);

    public static void SessionClosed(this ILogger logger, string sessionId, CloseReason reason, string? detail)
    {
        if (reason is CloseReason.ClientClosed or CloseReason.ConnectionReset or CloseReason.ServerShutdown)
        {
            SessionClosedQuietly(logger, sessionId, reason);
        }
        else
        {
            SessionClosedWithReason(logger, sessionId, reason, detail);
        }
    }

    [LoggerMessage(EventId = 101, EventName = "SessionClosed", Level = LogLevel.Debug,
        Message = "Session {SessionId} closed: {CloseReason}")]
    private static partial void SessionClosedQuietly(ILogger logger, string sessionId, CloseReason closeReason);

    [LoggerMessage(EventId = 102, EventName = "SessionClosedWithReason", Level = LogLevel.Information,
        Message = "Session {SessionId} closed: {CloseReason} ({CloseDetail})")]
    private static partial void SessionClosedWithReason(ILogger logger, string sessionId, CloseReason closeReason, string? closeDetail);

    [LoggerMessage(EventId = 103, EventName = "FramingViolation", Level = LogLevel.Information,
        Message = "Session {SessionId} broke the framing rules ({CloseReason}): {Detail}")]
    public static partial void FramingViolation(this ILogger logger, string sessionId, CloseReason closeReason, string detail);

    [LoggerMessage(EventId = 104, EventName = "SlowConsumer", Level = LogLevel.Warning,
        Message = "Session {SessionId} is not reading: more than {Limit} bytes queued, closing it as SlowConsumer")]
    public static partial void SlowConsumer(this ILogger logger, string sessionId, int limit);

    [LoggerMessage(EventId = 105, EventName = "ConnectionLimitReached", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} refused: listener {Listener} is at its limit of {MaxConnections} connections")]
    public static partial void ConnectionLimitReached(this ILogger logger, string connectionId, string listener, int maxConnections);

    [LoggerMessage(EventId = 113, EventName = "DescriptorBudgetSet", Level = LogLevel.Information,
        Message = "Sessions may use {MaxSessions} file descriptors: the process's limit is {Limit}, {OpenAtStart} were open at start and {Reserve} are kept for the rest")]
    public static partial void DescriptorBudgetSet(this ILogger logger, int maxSessions, long limit, int openAtStart, int reserve);

    [LoggerMessage(EventId = 114, EventName = "DescriptorBudgetReached", Level = LogLevel.Warning,
        Message = "Connections refused: the sessions are at their budget of {MaxSessions} of the process's {Limit} file descriptors ({Refused} refused since the last warning; raise the limit with ulimit -n)")]
    public static partial void DescriptorBudgetReached(this ILogger logger, int maxSessions, long limit, long refused);

    [LoggerMessage(EventId = 118, EventName = "HistoryBudgetExhausted", Level = LogLevel.Warning,
        Message = "Session histories are at their budget of {MaxBytes} bytes (KestrelTcp:History:MaxTotalBytes): {Refused} histories stopped growing since the last warning and keep fewer frames")]
    public static partial void HistoryBudgetExhausted(this ILogger logger, long maxBytes, long refused);

    [LoggerMessage(EventId = 106, EventName = "SessionError", Level = LogLevel.Error,
        Message = "Session {SessionId} failed")]
    public static partial void SessionError(this ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 107, EventName = "KeepAliveFailed", Level = LogLevel.Debug,
        Message = "Session {SessionId}: TCP keepalive could not be configured: {Error}")]
    public static partial void KeepAliveFailed(this ILogger logger, string sessionId, string error);

    [LoggerMessage(EventId = 108, EventName = "SessionKicked", Level = LogLevel.Information,
        Message = "Session {SessionId} kicked by {Actor}: {Reason}")]
    public static partial void SessionKicked(this ILogger logger, string sessionId, string actor, string reason);

    [LoggerMessage(EventId = 109, EventName = "IdleTimeout", Level = LogLevel.Debug,
        Message = "Session {SessionId} idle for longer than {IdleTimeout}, closing it")]
    public static partial void IdleTimeout(this ILogger logger, string sessionId, TimeSpan idleTimeout);

    [LoggerMessage(EventId = 119, EventName = "OutboundBudgetInUse", Level = LogLevel.Warning,
        Message = "Session {SessionId} closed as SlowConsumer: it is behind and the server's outbound budget of {Budget} bytes is in use")]
    public static partial void OutboundBudgetInUse(this ILogger logger, string sessionId, long budget);

    [LoggerMessage(EventId = 117, EventName = "CloseDrainAbandoned", Level = LogLevel.Information,
        Message = "Session {SessionId} closed but its peer read nothing more within {CloseDrainTimeout}; aborting the connection")]
    public static partial void CloseDrainAbandoned(this ILogger logger, string sessionId, TimeSpan closeDrainTimeout);

    [LoggerMessage(EventId = 110, EventName = "DrainStarted", Level = LogLevel.Information,
        Message = "Draining {Count} sessions (up to {Timeout})")]
    public static partial void DrainStarted(this ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(EventId = 111, EventName = "DrainTimedOut", Level = LogLevel.Warning,
        Message = "Drain timed out; aborting {Count} sessions that are still open")]
    public static partial void DrainTimedOut(this ILogger logger, int count);

    [LoggerMessage(EventId = 112, EventName = "ListenerBound", Level = LogLevel.Information,
        Message = "TCP listener {Listener} on {EndPoint}: {Mode}, framing {Framing}")]
    public static partial void ListenerBound(this ILogger logger, string listener, string endPoint, Hosting.ListenerMode mode, string framing);

    /// <summary>
    /// What every log line of a session carries (with scopes on): its id, listener, remote endpoint and,
    /// once it is identified, its device. Read when a line is written, so a device identified after the
    /// session began shows on the lines that follow.
    /// </summary>
    private sealed class SessionLogScope(Session session) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 4;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("SessionId", session.Id),
            1 => new("Listener", session.Listener.Name),
            2 => new("RemoteEndPoint", session.RemoteEndPointText),
            3 => new("DeviceId", session.DeviceId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => session.DeviceId is { } device
            ? $"SessionId:{session.Id} Listener:{session.Listener.Name} RemoteEndPoint:{session.RemoteEndPointText} DeviceId:{device}"
            : $"SessionId:{session.Id} Listener:{session.Listener.Name} RemoteEndPoint:{session.RemoteEndPointText}";
    }
}
