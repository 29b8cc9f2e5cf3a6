using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KestrelTcp.Cli.Tests.Helpers;

/// <summary>
/// A loopback echo peer for 4-byte big-endian length-prefixed frames that watches the client: for every
/// connection it counts frames received and echoed, and records the most frames a client had sent beyond
/// the replies it had been given (its pipeline depth as seen from the wire). It can echo in small pieces
/// (so replies arrive cut mid-frame) and close each connection after a number of frames.
/// </summary>
public sealed class CountingEchoPeer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private readonly int _echoChunk;
    private readonly long _closeAfterFrames;
    private int _maxOutstanding;
    private long _echoed;
    private int _closed;

    /// <param name="echoChunk">Echo writes are cut into pieces of this many bytes (0: one write per read).</param>
    /// <param name="closeAfterFrames">Close each connection after echoing this many frames (0: never).</param>
    public CountingEchoPeer(int echoChunk = 0, long closeAfterFrames = 0)
    {
        _echoChunk = echoChunk;
        _closeAfterFrames = closeAfterFrames;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>The most frames any connection had in flight: received by the peer and not yet echoed.</summary>
    public int MaxOutstanding => Volatile.Read(ref _maxOutstanding);

    /// <summary>Frames echoed over all connections.</summary>
    public long Echoed => Interlocked.Read(ref _echoed);

    /// <summary>Connections the peer closed after <c>closeAfterFrames</c>.</summary>
    public int Closed => Volatile.Read(ref _closed);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(EchoAsync(socket));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[256 * 1024];
        var filled = 0;
        long received = 0;
        long echoed = 0;
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                var offset = 0;
                var frames = 0;
                while (filled - offset >= 4)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(offset));
                    if (filled - offset < 4 + length)
                    {
                        break;
                    }

                    offset += 4 + length;
                    frames++;
                }

                received += frames;
                var outstanding = (int)(received - echoed);
                var max = Volatile.Read(ref _maxOutstanding);
                while (outstanding > max && Interlocked.CompareExchange(ref _maxOutstanding, outstanding, max) != max)
                {
                    max = Volatile.Read(ref _maxOutstanding);
                }

                var chunk = _echoChunk > 0 ? _echoChunk : Math.Max(offset, 1);
                for (var sent = 0; sent < offset; sent += chunk)
                {
                    await socket.SendAsync(buffer.AsMemory(sent, Math.Min(chunk, offset - sent)), SocketFlags.None, _stop.Token);
                }

                echoed += frames;
                Interlocked.Add(ref _echoed, frames);
                buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
                filled -= offset;
                if (_closeAfterFrames > 0 && echoed >= _closeAfterFrames)
                {
                    Interlocked.Increment(ref _closed);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client closed, or the peer is disposed.
        }
    }
}
