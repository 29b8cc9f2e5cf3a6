namespace KestrelTcp.Server.Cluster;

internal static partial class SharedLockoutLog
{
    [LoggerMessage(EventId = 960, EventName = "SharedLockoutsDegraded", Level = LogLevel.Warning,
        Message = "Sign-in and API-key lockouts cannot be shared through Redis {Redis} ({Error}): this node counts and locks on its own until Redis answers again.")]
    public static partial void SharedLockoutsDegraded(this ILogger logger, string redis, string error);

    [LoggerMessage(EventId = 961, EventName = "SharedLockoutsRestored", Level = LogLevel.Information,
        Message = "Sign-in and API-key lockouts are shared through Redis {Redis} again.")]
    public static partial void SharedLockoutsRestored(this ILogger logger, string redis);
}
