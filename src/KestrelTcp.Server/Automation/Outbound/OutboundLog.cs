namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>Log messages of outbound connections (event ids 1410-1429).</summary>
internal static partial class OutboundLog
{
    [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "Outbound connection {Name} connected to {Target} as session {SessionId}.", EventName = "OutboundConnected")]
    public static partial void OutboundConnected(this ILogger logger, string name, string target, string sessionId);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "Outbound connection {Name} to {Target} failed or closed ({Error}); next dial in {DelayMs} ms.", EventName = "OutboundBackoff")]
    public static partial void OutboundBackoff(this ILogger logger, string name, string target, string error, long delayMs);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Information, Message = "Outbound connection {Name} to {Target} stopped: {Why}", EventName = "OutboundStopped")]
    public static partial void OutboundStopped(this ILogger logger, string name, string target, string why);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Warning, Message = "Outbound connection {Name} refused: {Detail}", EventName = "OutboundRefused")]
    public static partial void OutboundRefused(this ILogger logger, string name, string detail);

    [LoggerMessage(EventId = 1414, Level = LogLevel.Error, Message = "Outbound connection {Name}'s dial loop failed.", EventName = "OutboundLoopFailed")]
    public static partial void OutboundLoopFailed(this ILogger logger, Exception exception, string name);
}
