using System.Net;
using System.Net.Sockets;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Automation;

/// <summary>A device that is a TCP server (a PLC, a serial converter in server mode), on loopback port 0, for KestrelTcp to dial.</summary>
internal sealed class DialledDevice : IDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public DialledDevice() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Target => $"127.0.0.1:{Port}";

    /// <summary>The next connection KestrelTcp makes.</summary>
    public async Task<TestTcpClient> AcceptAsync() => new(await _listener.AcceptSocketAsync().WaitAsync(Wait));

    /// <summary>Whether a connection arrives within <paramref name="window"/> (for "not redialled").</summary>
    public async Task<bool> IsDialledWithinAsync(TimeSpan window)
    {
        using var cancel = new CancellationTokenSource(window);
        try
        {
            using var socket = await _listener.AcceptSocketAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _listener.Dispose();
}
