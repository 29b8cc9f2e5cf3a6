namespace KestrelTcp.Server.Dashboard;

/// <summary>Log messages of the dashboard, with stable event ids (6xx).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 600, EventName = "DashboardFlushFailed", Level = LogLevel.Error,
        Message = "The dashboard publisher failed to push an update; it carries on with the next one")]
    public static partial void FlushFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 601, EventName = "DashboardPushFailed", Level = LogLevel.Debug,
        Message = "A push to dashboard connection {ConnectionId} failed")]
    public static partial void PushFailed(this ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 602, EventName = "DashboardResync", Level = LogLevel.Warning,
        Message = "The dashboard fell behind and missed {Count} session events; every browser gets a fresh snapshot")]
    public static partial void Resync(this ILogger logger, long count);

    [LoggerMessage(EventId = 603, EventName = "DashboardViewerConnected", Level = LogLevel.Debug,
        Message = "Dashboard connection {ConnectionId} opened by {Actor}")]
    public static partial void ViewerConnected(this ILogger logger, string connectionId, string actor);

    [LoggerMessage(EventId = 604, EventName = "DashboardViewerDisconnected", Level = LogLevel.Debug,
        Message = "Dashboard connection {ConnectionId} closed")]
    public static partial void ViewerDisconnected(this ILogger logger, string connectionId);

    [LoggerMessage(EventId = 605, EventName = "DashboardViewerStuck", Level = LogLevel.Warning,
        Message = "Dashboard connection {ConnectionId} of {User} is closed: a push to it has not finished in {Timeout} (it is not reading); {BacklogBytes} bytes were waiting for it and {Dropped} frames were dropped")]
    public static partial void ViewerStuck(this ILogger logger, string connectionId, string user, TimeSpan timeout, long backlogBytes, long dropped);

    [LoggerMessage(EventId = 606, EventName = "DashboardConnectionRefused", Level = LogLevel.Warning,
        Message = "Dashboard connections refused: {Reason} ({Count} refused since the last warning)")]
    public static partial void ConnectionsRefused(this ILogger logger, string reason, long count);

    [LoggerMessage(EventId = 607, EventName = "DashboardConnectionsLowered", Level = LogLevel.Warning,
        Message = "KestrelTcp:Dashboard:MaxConnections {Configured} is more than the signed-in HTTP connections ({SignedIn}); the dashboard allows {SignedIn}")]
    public static partial void MaxConnectionsLowered(this ILogger logger, int configured, int signedIn);

    [LoggerMessage(EventId = 608, EventName = "DashboardRemoteResync", Level = LogLevel.Information,
        Message = "More than KestrelTcp:Dashboard:MaxRemoteChanges ({Limit}) sessions of other nodes changed between two dashboard flushes; every browser gets a fresh snapshot")]
    public static partial void RemoteResync(this ILogger logger, int limit);

    [LoggerMessage(EventId = 609, EventName = "DashboardRemoteClosedReadFailed", Level = LogLevel.Debug,
        Message = "Reading the other nodes' recently closed sessions for the dashboard failed; it is read again when more close")]
    public static partial void RemoteClosedReadFailed(this ILogger logger, Exception? exception);
}
