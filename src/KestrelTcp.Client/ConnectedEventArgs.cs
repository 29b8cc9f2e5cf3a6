using System.Net;

namespace KestrelTcp.Client;

/// <summary>Data of the <see cref="KestrelTcpClient.Connected"/> event.</summary>
public sealed class ConnectedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public ConnectedEventArgs(EndPoint? remoteEndPoint, EndPoint? localEndPoint, bool isReconnect)
    {
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
        IsReconnect = isReconnect;
    }

    /// <summary>The peer's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>This side's address.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>True when automatic reconnection made this connection.</summary>
    public bool IsReconnect { get; }
}
