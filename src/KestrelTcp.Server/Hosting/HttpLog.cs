namespace KestrelTcp.Server.Hosting;

/// <summary>Log messages of the HTTP connection budget and the accept gates, with stable event ids (75x).</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 750, EventName = "DescriptorSplit", Level = LogLevel.Information,
        Message = "File descriptors: limit {Limit}, {OpenAtStart} open at start; sessions {MaxSessions}, HTTP {MaxHttp} ({MaxAnonymous} of them anonymous), reserve {Reserve}")]
    public static partial void DescriptorSplit(this ILogger logger, long limit, int openAtStart, int maxSessions, int maxHttp, int maxAnonymous, int reserve);

    [LoggerMessage(EventId = 751, EventName = "HttpAnonymousShareFull", Level = LogLevel.Warning,
        Message = "HTTP connections that have not signed in are at their share of {MaxAnonymous} (of {MaxHttp}): the oldest idle ones are closed to make room ({Evicted} since start; said at most every 30 s)")]
    public static partial void HttpAnonymousShareFull(this ILogger logger, int maxAnonymous, int maxHttp, long evicted);

    [LoggerMessage(EventId = 752, EventName = "HttpSignedInShareFull", Level = LogLevel.Warning,
        Message = "Signed-in HTTP connections are at their share of {MaxSignedIn}: {Count} more stay under the anonymous rules (raise KestrelTcp:Http:MaxConnections; said at most every 30 s)")]
    public static partial void HttpSignedInShareFull(this ILogger logger, int maxSignedIn, long count);

    [LoggerMessage(EventId = 753, EventName = "AcceptPaused", Level = LogLevel.Warning,
        Message = "Listener {EndPoint} stops accepting for a while: its connections hold the {Places} descriptors their budget allows (said at most every 30 s)")]
    public static partial void AcceptPaused(this ILogger logger, System.Net.EndPoint endPoint, int places);
}
