namespace KestrelTcp.Client;

/// <summary>The state of a <see cref="KestrelTcpClient"/>, like <c>QAbstractSocket::SocketState</c>.</summary>
public enum ClientState
{
    /// <summary>Not connected, and not trying to be (the initial state, and the state after a close).</summary>
    Disconnected,

    /// <summary>A connect call is resolving the host, opening the socket or negotiating TLS.</summary>
    Connecting,

    /// <summary>Connected: frames can be sent and are being received.</summary>
    Connected,

    /// <summary>The connection was lost and automatic reconnection is waiting or trying to connect again.</summary>
    Reconnecting,

    /// <summary>A graceful close is writing what is queued and waiting for the peer to close its side.</summary>
    Closing,
}
