namespace KestrelTcp.Server.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 900, EventName = "ClusterJoined", Level = LogLevel.Information,
        Message = "Node {Node} joined the cluster on Redis {Redis} (instance {Instance}).")]
    public static partial void ClusterJoined(this ILogger logger, string node, string redis, string instance);

    [LoggerMessage(EventId = 901, EventName = "ClusterDegraded", Level = LogLevel.Warning,
        Message = "The cluster view is degraded: {Reason}. This node keeps serving its own devices.")]
    public static partial void ClusterDegraded(this ILogger logger, string reason);

    [LoggerMessage(EventId = 902, EventName = "ClusterRestored", Level = LogLevel.Information,
        Message = "The cluster view is whole again: the directory was republished and reloaded.")]
    public static partial void ClusterRestored(this ILogger logger);

    [LoggerMessage(EventId = 903, EventName = "NodeDown", Level = LogLevel.Warning,
        Message = "Node {Node} is down: no heartbeat since {LastHeartbeat:o}; its {Sessions} sessions left the cluster view.")]
    public static partial void NodeDown(this ILogger logger, string node, DateTimeOffset lastHeartbeat, int sessions);

    [LoggerMessage(EventId = 904, EventName = "NodeUp", Level = LogLevel.Information,
        Message = "Node {Node} is up (instance {Instance}, {Address}).")]
    public static partial void NodeUp(this ILogger logger, string node, string instance, string? address);

    [LoggerMessage(EventId = 905, EventName = "NodeReplaced", Level = LogLevel.Information,
        Message = "Node name {Node} was held by instance {OldInstance}, which stopped heartbeating: this instance replaces its entries.")]
    public static partial void NodeReplaced(this ILogger logger, string node, string oldInstance);

    [LoggerMessage(EventId = 906, EventName = "NodeNameTaken", Level = LogLevel.Error,
        Message = "Another live node (instance {OtherInstance}) heartbeats under this node's name {Node}: node names must be unique (KestrelTcp:Cluster:NodeName).")]
    public static partial void NodeNameTaken(this ILogger logger, string node, string otherInstance);

    [LoggerMessage(EventId = 907, EventName = "DirectoryReloaded", Level = LogLevel.Debug,
        Message = "Reloaded node {Node}'s directory: {Sessions} sessions at batch {Seq}.")]
    public static partial void DirectoryReloaded(this ILogger logger, string node, int sessions, long seq);

    [LoggerMessage(EventId = 908, EventName = "DirectoryEntryUnreadable", Level = LogLevel.Warning,
        Message = "An entry of node {Node}'s directory could not be read and was skipped: {Error}")]
    public static partial void DirectoryEntryUnreadable(this ILogger logger, string node, string error);

    [LoggerMessage(EventId = 909, EventName = "DirectoryLoopFailed", Level = LogLevel.Error,
        Message = "The cluster directory loop failed; it starts again.")]
    public static partial void DirectoryLoopFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 910, EventName = "DrainStarted", Level = LogLevel.Warning,
        Message = "{Actor} started draining this node: /readyz answers 503, new connections are refused, and {Sessions} sessions are closed at {Rate} a second.")]
    public static partial void DrainStarted(this ILogger logger, string actor, int sessions, int rate);

    [LoggerMessage(EventId = 911, EventName = "DrainCompleted", Level = LogLevel.Information,
        Message = "The node drain closed {Closed} sessions; no session is left.")]
    public static partial void DrainCompleted(this ILogger logger, long closed);
}
