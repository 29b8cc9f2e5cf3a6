using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Hosting.EventLoop;
using KestrelTcp.Server.Tests.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace KestrelTcp.Server.Tests.Hosting;

/// <summary>
/// The event-loop transport on its own, with small apps in place of sessions: every byte gets through
/// both ways under back-pressure, a peer's close and reset reach the app, and an abort ends a send
/// that the peer will never let finish. (Every session test runs on it too: it serves plain listeners.)
/// </summary>
public sealed class EventLoopTransportTests : IAsyncDisposable
{
    private readonly EventLoopTransport _transport = new(new SocketTransportOptions(), NullLogger.Instance);
    private readonly List<Task> _running = [];
    private IConnectionListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.UnbindAsync();
            await _accepting.Within();
            await Task.WhenAll(_running).Within();
        }

        _transport.Dispose();
    }

    [Fact]
    public async Task ManyConnectionsEchoEveryByteInOrder()
    {
        Assert.True(LinuxSockets.IsSupported, "These machines are Linux on x64 or arm64.");
        var endPoint = Start(EchoAsync);

        var clients = Enumerable.Range(0, 40).Select(async i =>
        {
            using var socket = await ConnectAsync(endPoint);
            var sent = RandomBytes(200_000, seed: i);
            var sending = SendInPiecesAsync(socket, sent, piece: 1 + (i * 997 % 9000));
            var received = await ReceiveExactlyAsync(socket, sent.Length);
            await sending;
            Assert.Equal(sent, received);
        });
        await Task.WhenAll(clients).Within();
    }

    [Fact]
    public async Task BackPressureBothWaysLosesNothing()
    {
        // The client sends 32 MiB before it reads a byte: the app's output fills (sends wait for the socket
        // to become writable), so the app stops reading, the input pipe fills and the loop stops reading.
        var endPoint = Start(EchoAsync);
        using var socket = await ConnectAsync(endPoint, bufferBytes: 65536);
        var sent = RandomBytes(32 << 20, seed: 7);
        var sending = Task.Run(() => SendInPiecesAsync(socket, sent, piece: 65536));
        await Task.Delay(500);
        Assert.False(sending.IsCompleted, "32 MiB should not fit in the buffers before the client reads.");

        var received = await ReceiveExactlyAsync(socket, sent.Length).Within();
        await sending.Within();
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task PeerCloseCompletesTheInputAndTheReplyStillGoesOut()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endPoint = Start(async connection =>
        {
            connection.ConnectionClosed.Register(() => closed.TrySetResult());
            var total = 0L;
            while (true)
            {
                var result = await connection.Transport.Input.ReadAsync();
                total += result.Buffer.Length;
                connection.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes($"got {total}"));
            await connection.Transport.Output.CompleteAsync();
        });

        using var socket = await ConnectAsync(endPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes("hello world"));
        socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("got 11", Encoding.ASCII.GetString(await ReceiveToEndAsync(socket).Within()));
        await closed.Task.Within();
    }

    [Fact]
    public async Task PeerResetFailsTheAppsReadWithConnectionReset()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var endPoint = Start(async connection =>
        {
            try
            {
                while (true)
                {
                    var result = await connection.Transport.Input.ReadAsync();
                    connection.Transport.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }

                outcome.TrySetResult(null);
            }
            catch (Exception ex)
            {
                outcome.TrySetResult(ex);
            }
        });

        var socket = await ConnectAsync(endPoint);
        await socket.SendAsync("x"u8.ToArray());
        await Task.Delay(100);
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();

        Assert.IsType<ConnectionResetException>(await outcome.Task.Within());
    }

    [Fact]
    public async Task AbortEndsASendThePeerNeverReads()
    {
        var flushed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endPoint = Start(async connection =>
        {
            var output = connection.Transport.Output;
            var chunk = new byte[1 << 20];
            try
            {
                // Far more than the socket buffers hold: the flush waits for the peer, which never reads.
                var writing = Task.Run(async () =>
                {
                    for (var i = 0; i < 64; i++)
                    {
                        var result = await output.WriteAsync(chunk);
                        if (result.IsCompleted || result.IsCanceled)
                        {
                            return;
                        }
                    }
                });
                await Task.Delay(300);
                aborting.TrySetResult();
                connection.Abort(new ConnectionAbortedException("The test aborted it."));
                await writing;
                flushed.TrySetResult(null);
            }
            catch (Exception ex)
            {
                flushed.TrySetResult(ex);
            }
        });

        using var socket = await ConnectAsync(endPoint);
        await aborting.Task.Within();

        // The app's blocked write ends (completed or failed, not hung), and the connection closes.
        var error = await flushed.Task.Within();
        Assert.True(error is null or ConnectionAbortedException or InvalidOperationException or OperationCanceledException, error?.ToString());
        await ReceiveToEndAsync(socket, throwOnReset: false).Within();
    }

    [Fact]
    public async Task AConnectionThatEndsAfterTheLoopsStoppedStillClosesItsSocket()
    {
        // At host shutdown the transport can stop its loops while a connection is still finishing; its
        // socket must still be closed (the peer sees the end) and its dispose must not wait forever.
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endPoint = Start(async connection =>
        {
            accepted.SetResult();
            await release.Task;
            await connection.Transport.Output.WriteAsync("bye"u8.ToArray());
        });
        using var socket = await ConnectAsync(endPoint);
        await accepted.Task.Within();

        _transport.Dispose();
        release.SetResult();

        Assert.Equal("bye"u8.ToArray(), await ReceiveToEndAsync(socket).Within());
        lock (_running)
        {
            Assert.Single(_running);
        }

        await _running[0].Within();
    }

    [Fact]
    public void ConnectionIdsAreDistinctAndOutsideKestrelsRange()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => ConnectionIds.Next()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            Assert.Equal(13, id.Length);

            // Kestrel's ids count up from the clock's ticks and start with '0'; ours have bit 62 set.
            Assert.True(id[0] >= '4', id);
        });
    }

    private static async Task EchoAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        while (true)
        {
            var result = await input.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                output.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            var flush = await output.FlushAsync();
            if (result.IsCompleted || flush.IsCompleted)
            {
                break;
            }
        }
    }

    private IPEndPoint Start(Func<ConnectionContext, Task> app)
    {
        _listener = _transport.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var listener = _listener;
        _accepting = Task.Run(async () =>
        {
            while (await listener.AcceptAsync() is { } connection)
            {
                lock (_running)
                {
                    _running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await app(connection);
                        }
                        finally
                        {
                            await connection.DisposeAsync();
                        }
                    }));
                }
            }
        });
        return (IPEndPoint)listener.EndPoint;
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endPoint, int? bufferBytes = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (bufferBytes is { } bytes)
        {
            // Set before connecting, so the window the client offers is small from the start.
            socket.ReceiveBufferSize = bytes;
            socket.SendBufferSize = bytes;
        }

        await socket.ConnectAsync(endPoint).Within();
        return socket;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task SendInPiecesAsync(Socket socket, byte[] data, int piece)
    {
        for (var offset = 0; offset < data.Length; offset += piece)
        {
            await socket.SendAsync(data.AsMemory(offset, Math.Min(piece, data.Length - offset)));
        }
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read));
            Assert.True(n > 0, $"The connection ended after {read} of {length} bytes.");
            read += n;
        }

        return buffer;
    }

    private static async Task<byte[]> ReceiveToEndAsync(Socket socket, bool throwOnReset = true)
    {
        var all = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(all.GetMemory(65536));
                if (n == 0)
                {
                    break;
                }

                all.Advance(n);
            }
        }
        catch (SocketException ex) when (!throwOnReset && ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // An aborted connection may end with a reset.
        }

        return all.WrittenSpan.ToArray();
    }
}
