namespace KestrelTcp.Server.Devices;

/// <summary>Log messages of the device registry (event ids 160-169).</summary>
internal static partial class DevicesLog
{
    [LoggerMessage(EventId = 160, EventName = "DeviceRegistryOpened", Level = LogLevel.Information,
        Message = "Device registry {Path}: {Devices} devices, {Offline} marked offline at start")]
    public static partial void DeviceRegistryOpened(this ILogger logger, string path, long devices, int offline);

    [LoggerMessage(EventId = 161, EventName = "DeviceRegistryFull", Level = LogLevel.Warning,
        Message = "The device registry is full (KestrelTcp:Devices:MaxDevices = {MaxDevices}): device {DeviceId} is not registered; {Refused} refused so far")]
    public static partial void DeviceRegistryFull(this ILogger logger, int maxDevices, string deviceId, long refused);

    [LoggerMessage(EventId = 162, EventName = "DeviceEventsDropped", Level = LogLevel.Warning,
        Message = "The device registry's writer is behind (KestrelTcp:Devices:MaxQueuedEvents = {MaxQueuedEvents}): {Dropped} device events dropped so far")]
    public static partial void DeviceEventsDropped(this ILogger logger, int maxQueuedEvents, long dropped);

    [LoggerMessage(EventId = 163, EventName = "DeviceRegistryWriteFailed", Level = LogLevel.Error,
        Message = "The device registry {Path} could not record {Events} device events")]
    public static partial void DeviceRegistryWriteFailed(this ILogger logger, string path, int events, Exception exception);

    [LoggerMessage(EventId = 164, EventName = "PendingDelivered", Level = LogLevel.Information,
        Message = "Device {DeviceId} identified in session {SessionId}: {Count} pending messages delivered")]
    public static partial void PendingDelivered(this ILogger logger, string deviceId, string sessionId, int count);

    [LoggerMessage(EventId = 165, EventName = "PendingUndeliverable", Level = LogLevel.Warning,
        Message = "Pending message {PendingId} for device {DeviceId} dropped: its listener cannot frame it ({Error})")]
    public static partial void PendingUndeliverable(this ILogger logger, string deviceId, long pendingId, string error);

    [LoggerMessage(EventId = 166, EventName = "PendingExpired", Level = LogLevel.Information,
        Message = "{Count} pending device messages expired")]
    public static partial void PendingExpired(this ILogger logger, int count);

    [LoggerMessage(EventId = 167, EventName = "PendingRemoteFailed", Level = LogLevel.Warning,
        Message = "Pending messages for device {DeviceId} could not be handed to node {Node}: {Error}; they wait for its next identification")]
    public static partial void PendingRemoteFailed(this ILogger logger, string deviceId, string node, string error);
}
