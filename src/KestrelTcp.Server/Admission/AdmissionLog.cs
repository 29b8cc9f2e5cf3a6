namespace KestrelTcp.Server.Admission;

/// <summary>Admission control's log messages (event ids 120-129). Refusals are Debug: a flood must not flood the log;
/// the counts are in <c>GET /api/listeners</c> and the recently closed list.</summary>
internal static partial class AdmissionLog
{
    [LoggerMessage(EventId = 120, EventName = "ConnectionRefused", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} refused by listener {Listener}'s admission control ({Rejection}): {Detail}")]
    public static partial void ConnectionRefused(this ILogger logger, string connectionId, string listener, AdmissionRejection rejection, string detail);
}
