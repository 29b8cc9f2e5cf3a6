using System.Net;
using System.Net.Sockets;

namespace KestrelTcp.Server.Tests.Helpers;

/// <summary>Ports for servers the tests start as processes of their own.</summary>
internal static class Ports
{
    /// <summary>A loopback TCP port that was free a moment ago.</summary>
    public static int Free()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
