namespace KestrelTcp.Server.Sessions;

/// <summary>Log messages of device identification (event ids 140-149).</summary>
internal static partial class DeviceLog
{
    [LoggerMessage(EventId = 140, EventName = "SessionIdentified", Level = LogLevel.Information,
        Message = "Session {SessionId} is device {DeviceId}")]
    public static partial void SessionIdentified(this ILogger logger, string sessionId, string deviceId);

    [LoggerMessage(EventId = 141, EventName = "DeviceReplaced", Level = LogLevel.Information,
        Message = "Device {DeviceId} connected again in session {SessionId}; its old session {OldSessionId} is closed as Replaced")]
    public static partial void DeviceReplaced(this ILogger logger, string deviceId, string sessionId, string oldSessionId);

    [LoggerMessage(EventId = 142, EventName = "DuplicateDevice", Level = LogLevel.Warning,
        Message = "Session {SessionId} identified as device {DeviceId}, which session {HolderSessionId} already is; closed as Duplicate")]
    public static partial void DuplicateDevice(this ILogger logger, string sessionId, string deviceId, string holderSessionId);

    [LoggerMessage(EventId = 143, EventName = "SessionUnidentified", Level = LogLevel.Information,
        Message = "Session {SessionId} closed as Unidentified: {Detail}")]
    public static partial void SessionUnidentified(this ILogger logger, string sessionId, string detail);
}
