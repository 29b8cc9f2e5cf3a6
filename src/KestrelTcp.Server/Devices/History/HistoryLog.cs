namespace KestrelTcp.Server.Devices.History;

/// <summary>Log messages of the durable device history (event ids 165-169).</summary>
internal static partial class HistoryLog
{
    [LoggerMessage(EventId = 175, EventName = "HistoryOpened", Level = LogLevel.Information,
        Message = "Device history at {Path} (retention {Retention}, at most {MaxBytes} bytes)")]
    public static partial void HistoryOpened(this ILogger logger, string path, TimeSpan retention, long maxBytes);

    [LoggerMessage(EventId = 176, EventName = "HistoryFramesDropped", Level = LogLevel.Warning,
        Message = "The device history writer fell behind: {Dropped} frame(s) dropped from history since start (the queue holds at most {MaxFrames} frames and {MaxBytes} bytes)")]
    public static partial void HistoryFramesDropped(this ILogger logger, long dropped, int maxFrames, long maxBytes);

    [LoggerMessage(EventId = 177, EventName = "HistoryWriteFailed", Level = LogLevel.Error,
        Message = "Writing {Frames} frame(s) to the device history at {Path} failed; they are dropped")]
    public static partial void HistoryWriteFailed(this ILogger logger, int frames, string path, Exception exception);

    [LoggerMessage(EventId = 168, EventName = "HistoryRetention", Level = LogLevel.Debug,
        Message = "Device history retention deleted {Rows} row(s); the database uses {UsedBytes} bytes")]
    public static partial void HistoryRetention(this ILogger logger, long rows, long usedBytes);

    [LoggerMessage(EventId = 169, EventName = "HistoryRetentionFailed", Level = LogLevel.Error,
        Message = "Device history retention at {Path} failed")]
    public static partial void HistoryRetentionFailed(this ILogger logger, string path, Exception exception);
}
