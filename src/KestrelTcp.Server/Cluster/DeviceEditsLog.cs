namespace KestrelTcp.Server.Cluster;

internal static partial class DeviceEditsLog
{
    [LoggerMessage(EventId = 980, EventName = "DeviceEditsLoaded", Level = LogLevel.Information,
        Message = "Applied {Applied} device edits kept in Redis ({Read} read) to this node's registry")]
    public static partial void DeviceEditsLoaded(this ILogger logger, int applied, int read);

    [LoggerMessage(EventId = 981, EventName = "DeviceEditRefused", Level = LogLevel.Warning,
        Message = "A device edit from node {Node} was not applied: {Reason}")]
    public static partial void DeviceEditRefused(this ILogger logger, string node, string reason);

    [LoggerMessage(EventId = 982, EventName = "DeviceEditsUnavailable", Level = LogLevel.Warning,
        Message = "Device edits cannot be shared through Redis ({Error}): edits made here stay on this node until it can")]
    public static partial void DeviceEditsUnavailable(this ILogger logger, string error);

    [LoggerMessage(EventId = 983, EventName = "DeviceEditsDropped", Level = LogLevel.Warning,
        Message = "Device edits from other nodes arrive faster than this node applies them: {Dropped} dropped since start (at most {Capacity} wait)")]
    public static partial void DeviceEditsDropped(this ILogger logger, long dropped, int capacity);
}
