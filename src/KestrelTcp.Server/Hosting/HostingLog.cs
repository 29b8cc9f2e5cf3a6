namespace KestrelTcp.Server.Hosting;

/// <summary>Log messages of hosting (shutdown drain). Event ids 190-199.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 190, EventName = "DrainAbortIncomplete", Level = LogLevel.Warning,
        Message = "{Count} aborted sessions were still closing {Reserve} after the drain's abort; shutdown goes on without them")]
    public static partial void DrainAbortIncomplete(this ILogger logger, int count, TimeSpan reserve);
}
