namespace KestrelTcp.Server.Cluster.Relay;

internal static partial class RelayLog
{
    [LoggerMessage(EventId = 970, EventName = "RelaySubscribed", Level = LogLevel.Information,
        Message = "Broker listener {Listener} relays its frames to and from the other nodes on {Channel}.")]
    public static partial void RelaySubscribed(this ILogger logger, string listener, string channel);

    [LoggerMessage(EventId = 971, EventName = "RelaySubscribeFailed", Level = LogLevel.Warning,
        Message = "Broker listener {Listener} could not subscribe to its relay channel (Redis {Redis}): {Error}. Trying again.")]
    public static partial void RelaySubscribeFailed(this ILogger logger, string listener, string redis, string error);

    [LoggerMessage(EventId = 972, EventName = "RelayFramesDropped", Level = LogLevel.Warning,
        Message = "Broker listener {Listener} did not relay {Frames} frames to the other nodes in the last {Seconds} s: {QueueFull} because its relay queue was full (KestrelTcp:Cluster:RelayMaxQueueBytes, RelayMaxQueueFrames), {Unsent} because Redis was not connected or the publish failed ({Error}). This node's own sessions got them all.")]
    public static partial void RelayFramesDropped(this ILogger logger, string listener, long frames, int seconds, long queueFull, long unsent, string error);

    [LoggerMessage(EventId = 973, EventName = "RelayMessageUnreadable", Level = LogLevel.Warning,
        Message = "Broker listener {Listener} dropped {Messages} relay messages from other nodes in the last {Seconds} s; the last one ({Bytes} bytes) because: {Error}")]
    public static partial void RelayMessageUnreadable(this ILogger logger, string listener, long messages, int seconds, long bytes, string error);

    [LoggerMessage(EventId = 974, EventName = "RelayInboundDropped", Level = LogLevel.Warning,
        Message = "Broker listener {Listener} dropped {Messages} relay messages from other nodes in the last {Seconds} s: more than {Limit} were waiting (KestrelTcp:Cluster:RelayMaxInboundMessages).")]
    public static partial void RelayInboundDropped(this ILogger logger, string listener, long messages, int seconds, int limit);

    [LoggerMessage(EventId = 975, EventName = "RelayLoopFailed", Level = LogLevel.Error,
        Message = "The relay loop of Broker listener {Listener} failed; it starts again.")]
    public static partial void RelayLoopFailed(this ILogger logger, string listener, Exception exception);
}
