namespace KestrelTcp.Client;

/// <summary>Data of the <see cref="KestrelTcpClient.Disconnected"/> event.</summary>
public sealed class DisconnectedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public DisconnectedEventArgs(DisconnectReason reason, Exception? exception, bool willReconnect)
    {
        Reason = reason;
        Exception = exception;
        WillReconnect = willReconnect;
    }

    /// <summary>Why the connection ended.</summary>
    public DisconnectReason Reason { get; }

    /// <summary>The error behind the disconnect, when there was one.</summary>
    public Exception? Exception { get; }

    /// <summary>True when automatic reconnection will now try to connect again.</summary>
    public bool WillReconnect { get; }

    /// <summary>A one-line description, for example <c>RemoteClosed</c> or <c>ConnectionReset: Connection reset by peer</c>.</summary>
    public override string ToString() => Exception is null ? Reason.ToString() : $"{Reason}: {Exception.Message}";
}
