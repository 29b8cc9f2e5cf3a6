using System.Net;
using System.Net.Sockets;

namespace KestrelTcp.Client.Tests.Helpers;

/// <summary>
/// A bare loopback TCP peer for the behaviours a well-behaved server never shows: it accepts connections
/// and lets the test do anything with the sockets (never read, send malformed bytes, reset).
/// </summary>
public sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _accepted = [];

    public RawPeer(int receiveBufferSize = 0)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize > 0)
        {
            // Accepted sockets inherit it, which keeps "the peer does not read" tests small.
            _listener.ReceiveBufferSize = receiveBufferSize;
        }

        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public async Task<Socket> AcceptAsync()
    {
        var socket = await _listener.AcceptAsync().WaitAsync(Wait.Timeout);
        lock (_accepted)
        {
            _accepted.Add(socket);
        }

        return socket;
    }

    /// <summary>Stops listening: new connections are refused.</summary>
    public void StopListening() => _listener.Dispose();

    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        lock (_accepted)
        {
            foreach (var socket in _accepted)
            {
                socket.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }
}
