namespace KestrelTcp.Server.Cluster.Routing;

internal static partial class RoutingLog
{
    [LoggerMessage(EventId = 950, EventName = "CommandChannelSubscribed", Level = LogLevel.Information,
        Message = "Node {Node} takes commands from the other nodes on {Channel}.")]
    public static partial void CommandChannelSubscribed(this ILogger logger, string node, string channel);

    [LoggerMessage(EventId = 951, EventName = "CommandChannelSubscribeFailed", Level = LogLevel.Warning,
        Message = "Could not subscribe to the command channel (Redis {Redis}): {Error}. Trying again.")]
    public static partial void CommandChannelSubscribeFailed(this ILogger logger, string redis, string error);

    [LoggerMessage(EventId = 952, EventName = "NodeCallFailed", Level = LogLevel.Warning,
        Message = "{Kind} to node {Node} got no answer ({Failure}): {Error}")]
    public static partial void NodeCallFailed(this ILogger logger, NodeRequestKind kind, string node, NodeCallFailure failure, string error);

    [LoggerMessage(EventId = 953, EventName = "ReplyDropped", Level = LogLevel.Debug,
        Message = "Dropped a reply from node {Node} for request {RequestId}: no request of that id waits (it timed out, or was never made here).")]
    public static partial void ReplyDropped(this ILogger logger, string node, string requestId);

    [LoggerMessage(EventId = 954, EventName = "MessageUnreadable", Level = LogLevel.Warning,
        Message = "Dropped an unreadable message on {Channel} ({Bytes} bytes): {Error}")]
    public static partial void MessageUnreadable(this ILogger logger, string channel, long bytes, string error);

    [LoggerMessage(EventId = 955, EventName = "RelayedCommand", Level = LogLevel.Information,
        Message = "Carrying out a {Kind} relayed by node {From} for {Actor} ({Sessions} sessions); node {From} recorded it in its audit log.")]
    public static partial void RelayedCommand(this ILogger logger, NodeRequestKind kind, string from, string? actor, int sessions);

    [LoggerMessage(EventId = 956, EventName = "RemoteCommandsBusy", Level = LogLevel.Warning,
        Message = "Refused a {Kind} from node {From}: {Limit} commands from other nodes are already in hand (KestrelTcp:Cluster:MaxConcurrentRemoteCommands).")]
    public static partial void RemoteCommandsBusy(this ILogger logger, NodeRequestKind kind, string from, int limit);

    [LoggerMessage(EventId = 957, EventName = "RemoteCommandFailed", Level = LogLevel.Error,
        Message = "A {Kind} from node {From} failed here.")]
    public static partial void RemoteCommandFailed(this ILogger logger, NodeRequestKind kind, string from, Exception exception);

    [LoggerMessage(EventId = 958, EventName = "ReplyNotSent", Level = LogLevel.Warning,
        Message = "Could not answer node {Node}'s request {RequestId}: {Error}")]
    public static partial void ReplyNotSent(this ILogger logger, string node, string requestId, string error);
}
