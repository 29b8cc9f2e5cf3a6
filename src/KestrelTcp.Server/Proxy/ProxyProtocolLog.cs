using System.Net;

namespace KestrelTcp.Server.Proxy;

/// <summary>PROXY protocol log messages (event ids 130-139). Refusals are Debug, as admission control's are:
/// a flood must not flood the log; they are counted in <c>GET /api/listeners</c> and kept in the recently
/// closed list with their reason.</summary>
internal static partial class ProxyProtocolLog
{
    [LoggerMessage(EventId = 130, EventName = "UntrustedProxy", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} refused by listener {Listener}: {Detail}")]
    public static partial void UntrustedProxy(this ILogger logger, string connectionId, string listener, string detail);

    [LoggerMessage(EventId = 131, EventName = "ProxyHeaderRejected", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} from {Peer} closed by listener {Listener}, which expects a PROXY protocol header: {Detail}")]
    public static partial void ProxyHeaderRejected(this ILogger logger, string connectionId, EndPoint? peer, string listener, string detail);

    [LoggerMessage(EventId = 132, EventName = "ProxiedConnection", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} on listener {Listener} came through proxy {Proxy} (PROXY v{Version}) from client {Client}")]
    public static partial void ProxiedConnection(this ILogger logger, string connectionId, string listener, EndPoint? proxy, int version, EndPoint client);
}
