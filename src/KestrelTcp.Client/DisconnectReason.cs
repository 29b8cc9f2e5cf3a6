namespace KestrelTcp.Client;

/// <summary>
/// Why a connection ended, as far as the client can observe it. A server does not send its own
/// reason over the wire, so a kick, an idle timeout and a server shutdown all look the same from here:
/// <see cref="RemoteClosed"/>.
/// </summary>
public enum DisconnectReason
{
    /// <summary>This side closed the connection (<see cref="KestrelTcpClient.DisconnectAsync"/>,
    /// <see cref="KestrelTcpClient.Abort"/> or disposal). The client does not reconnect after it.</summary>
    LocalClose,

    /// <summary>The peer closed the connection in an orderly way (TCP FIN) at a frame boundary.</summary>
    RemoteClosed,

    /// <summary>The peer reset the connection or the connection broke (RST, broken pipe, unreachable network).</summary>
    ConnectionReset,

    /// <summary>The network stopped answering: TCP keepalive or retransmissions timed out.</summary>
    Timeout,

    /// <summary>The received bytes broke the framing rules (a frame over the maximum size, a malformed
    /// header, or a stream that ended inside a frame); the client closed the connection.
    /// <see cref="DisconnectedEventArgs.Exception"/> is the <see cref="Protocols.FramingException"/>.</summary>
    FramingError,

    /// <summary>Automatic reconnection gave up after <see cref="ReconnectOptions.MaxAttempts"/> attempts;
    /// <see cref="DisconnectedEventArgs.Exception"/> is the error of the last attempt.</summary>
    ReconnectFailed,

    /// <summary>Anything else, such as a TLS failure after the handshake or an exception thrown by a
    /// <see cref="KestrelTcpClient.FrameReceived"/> handler; see <see cref="DisconnectedEventArgs.Exception"/>.</summary>
    Error,
}
