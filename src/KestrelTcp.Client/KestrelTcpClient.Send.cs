using System.Text;

namespace KestrelTcp.Client;

public sealed partial class KestrelTcpClient
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>Framed bytes accepted by send calls but not yet written to the socket (like <c>QTcpSocket::bytesToWrite</c>).</summary>
    public long BytesToWrite => Current?.PendingBytes ?? 0;

    /// <summary>
    /// Sends <paramref name="payload"/> as one frame. Completes when the frame is queued for the socket, which
    /// is at once unless <see cref="KestrelTcpClientOptions.MaxPendingSendBytes"/> are already waiting. Safe to
    /// call from many threads at once: frames never interleave.
    /// </summary>
    /// <exception cref="ArgumentException">The payload cannot be framed (too large, contains the delimiter, wrong size for fixed framing).</exception>
    /// <exception cref="IOException">The client is not connected, or the connection closed before the frame was queued.</exception>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        Validate(payload.Span);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = CurrentForSend();
            var frameBytes = _codec.GetEncodedLength(payload.Length);
            if (!HasRoom(connection, frameBytes))
            {
                using var waiting = connection.Written.Register();
                while (true)
                {
                    var written = connection.Written.Task;
                    if (HasRoom(connection, frameBytes))
                    {
                        break;
                    }

                    await written.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            Write(connection, payload.Span);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends <paramref name="text"/> encoded as UTF-8 as one frame; see <see cref="SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    public ValueTask SendAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    /// <summary>
    /// Blocking send: queues <paramref name="payload"/> as one frame, like <c>QTcpSocket::write</c>. Returns at
    /// once unless <see cref="KestrelTcpClientOptions.MaxPendingSendBytes"/> are already waiting, in which case it
    /// waits for room up to <paramref name="millisecondsTimeout"/>. Follow with <see cref="WaitForBytesWritten"/>
    /// to know the bytes reached the socket.
    /// </summary>
    /// <param name="payload">The frame's payload.</param>
    /// <param name="millisecondsTimeout">Longest wait for room, in milliseconds; -1 waits without limit.</param>
    /// <exception cref="TimeoutException">There was no room within the timeout; nothing was queued.</exception>
    /// <exception cref="ArgumentException">The payload cannot be framed.</exception>
    /// <exception cref="IOException">The client is not connected, or the connection closed.</exception>
    public void Send(ReadOnlySpan<byte> payload, int millisecondsTimeout = 30_000)
    {
        var deadline = Deadline.Start(millisecondsTimeout);
        Validate(payload);
        if (!_sendLock.Wait(0) && !_sendLock.Wait(deadline.Remaining))
        {
            throw new TimeoutException($"The send did not get its turn within {millisecondsTimeout} ms.");
        }

        try
        {
            var connection = CurrentForSend();
            var frameBytes = _codec.GetEncodedLength(payload.Length);
            if (!HasRoom(connection, frameBytes))
            {
                using var waiting = connection.Written.Register();
                while (true)
                {
                    var written = connection.Written.Task;
                    if (HasRoom(connection, frameBytes))
                    {
                        break;
                    }

                    if (!written.Wait(deadline.Remaining))
                    {
                        throw new TimeoutException($"{connection.PendingBytes} bytes were still waiting to be written after {millisecondsTimeout} ms; the frame was not queued.");
                    }
                }
            }

            Write(connection, payload);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Blocking send of <paramref name="text"/> encoded as UTF-8; see <see cref="Send(ReadOnlySpan{byte}, int)"/>.</summary>
    public void Send(string text, int millisecondsTimeout = 30_000)
    {
        ArgumentNullException.ThrowIfNull(text);
        Send(Encoding.UTF8.GetBytes(text), millisecondsTimeout);
    }

    /// <summary>
    /// Waits until every frame queued before the call has been written to the socket, like
    /// <c>QTcpSocket::waitForBytesWritten</c>; true at once when nothing is waiting.
    /// </summary>
    /// <param name="millisecondsTimeout">Longest wait in milliseconds; -1 waits without limit.</param>
    /// <returns>False when the time ran out, or when the client is not connected or the connection closed first.</returns>
    public bool WaitForBytesWritten(int millisecondsTimeout = 30_000)
    {
        var deadline = Deadline.Start(millisecondsTimeout);
        var connection = Current;
        if (connection is null)
        {
            return false;
        }

        var target = connection.BytesQueued + connection.UnflushedBytes;
        using var waiting = connection.Written.Register();
        while (true)
        {
            var written = connection.Written.Task;
            if (connection.BytesWritten >= target)
            {
                return true;
            }

            if (connection.SendLoopEnded)
            {
                return connection.BytesWritten >= target;
            }

            if (!written.Wait(deadline.Remaining))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Completes when every frame queued before the call has been written to the socket: the asynchronous
    /// counterpart of <see cref="WaitForBytesWritten"/>.
    /// </summary>
    /// <exception cref="IOException">The client is not connected, or the connection closed before everything was written.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var connection = Current ?? throw new IOException($"The client cannot flush: it is {State}.");
        var target = connection.BytesQueued + connection.UnflushedBytes;
        using var waiting = connection.Written.Register();
        while (true)
        {
            var written = connection.Written.Task;
            if (connection.BytesWritten >= target)
            {
                return;
            }

            if (connection.SendLoopEnded)
            {
                throw new IOException("The connection closed before every queued frame was written.");
            }

            await written.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Validate(ReadOnlySpan<byte> payload)
    {
        if (!_codec.TryValidatePayload(payload, out var error))
        {
            throw new ArgumentException(error, nameof(payload));
        }
    }

    private Connection CurrentForSend()
    {
        lock (_gate)
        {
            if (_connection is { IsSendClosed: false } connection && _state == ClientState.Connected)
            {
                return connection;
            }

            throw new IOException($"The client cannot send: it is {_state}.");
        }
    }

    private bool HasRoom(Connection connection, long frameBytes)
    {
        if (connection.IsSendClosed)
        {
            throw new IOException("The connection closed before the frame could be queued.");
        }

        var pending = connection.PendingBytes;
        return pending == 0 || pending + frameBytes <= _options.MaxPendingSendBytes;
    }

    private static void Write(Connection connection, ReadOnlySpan<byte> payload)
    {
        if (!connection.TryWriteFrame(payload))
        {
            throw new IOException("The connection closed before the frame could be queued.");
        }
    }
}
