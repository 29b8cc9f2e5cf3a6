using System.Net;
using System.Net.Sockets;

namespace KestrelTcp.Testing;

public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago: bound with port 0, read, and released.</summary>
    public static int Pick()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
