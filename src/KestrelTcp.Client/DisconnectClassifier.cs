using System.Net.Sockets;
using KestrelTcp.Protocols;

namespace KestrelTcp.Client;

/// <summary>Maps what a receive or send loop caught to the reason the client reports.</summary>
internal static class DisconnectClassifier
{
    public static DisconnectReason Classify(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case FramingException:
                    return DisconnectReason.FramingError;
                case SocketException socket:
                    return FromSocketError(socket.SocketErrorCode);
                case ObjectDisposedException or OperationCanceledException:
                    // Only our own close disposes the socket or cancels the loops; the reason was recorded then.
                    return DisconnectReason.LocalClose;
            }
        }

        // An IOException without a socket error underneath: the stream ended abruptly (for example a TLS
        // stream cut without close_notify), which is a broken connection from the client's point of view.
        return exception is IOException ? DisconnectReason.ConnectionReset : DisconnectReason.Error;
    }

    private static DisconnectReason FromSocketError(SocketError error) => error switch
    {
        SocketError.TimedOut => DisconnectReason.Timeout,
        SocketError.OperationAborted => DisconnectReason.LocalClose,
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
            or SocketError.NetworkReset or SocketError.NetworkDown or SocketError.NetworkUnreachable
            or SocketError.HostUnreachable or SocketError.HostDown or SocketError.NotConnected => DisconnectReason.ConnectionReset,
        _ => DisconnectReason.Error,
    };
}
