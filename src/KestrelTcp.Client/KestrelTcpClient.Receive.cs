using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace KestrelTcp.Client;

public sealed partial class KestrelTcpClient : IFrameSink
{
    /// <summary>
    /// Raised for every received frame, on the receive loop, in order. While it has a handler, frames are
    /// delivered here and not queued for <see cref="ReceiveAsync"/> (see the class remarks). The receive loop
    /// waits for the handler, so a slow handler slows the peer down.
    /// </summary>
    public event EventHandler<FrameReceivedEventArgs>? FrameReceived;

    private readonly AsyncSignal _framesChanged = new();
    private int _blockedReaders;

    /// <summary>Received frames waiting in the receive queue (like <c>QTcpSocket::bytesAvailable</c>, in frames).</summary>
    public int FramesAvailable => Frames.Reader.Count;

    private Channel<byte[]> Frames => Volatile.Read(ref _frames);

    /// <summary>
    /// Receives the next frame's payload. Frames received across automatic reconnections keep coming; the
    /// result is null once the connection has ended for good and every queued frame was read.
    /// </summary>
    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var reader = Frames.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.TryRead(out var frame))
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>
    /// The received frames' payloads as they arrive. The sequence ends when the connection ends for good
    /// (a close, or a loss without automatic reconnection); it goes on across reconnections.
    /// </summary>
    public IAsyncEnumerable<byte[]> ReadFramesAsync(CancellationToken cancellationToken = default) =>
        Frames.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Waits until a received frame can be read, like <c>QTcpSocket::waitForReadyRead</c>.
    /// </summary>
    /// <param name="millisecondsTimeout">Longest wait in milliseconds; -1 waits without limit.</param>
    /// <returns>True when a frame is queued; false when the time ran out or the connection ended with nothing queued.</returns>
    public bool WaitForReadyRead(int millisecondsTimeout = 30_000)
    {
        var deadline = Deadline.Start(millisecondsTimeout);
        var frames = Frames;
        return !NothingToWaitFor(frames) && WaitToRead(frames, deadline.Remaining);
    }

    /// <summary>Blocking receive: the next frame's payload, waiting up to <paramref name="millisecondsTimeout"/>.</summary>
    /// <param name="millisecondsTimeout">Longest wait in milliseconds; -1 waits without limit.</param>
    /// <returns>The payload, or null when the connection has ended for good and nothing is queued.</returns>
    /// <exception cref="TimeoutException">No frame arrived within the timeout.</exception>
    public byte[]? Receive(int millisecondsTimeout = 30_000)
    {
        if (TryReceiveCore(millisecondsTimeout, out var frame, out var ended))
        {
            return frame;
        }

        return ended ? null : throw new TimeoutException($"No frame arrived within {millisecondsTimeout} ms.");
    }

    /// <summary>Blocking receive that reports a timeout or the end of the connection by returning false.</summary>
    /// <param name="millisecondsTimeout">Longest wait in milliseconds; 0 only looks, -1 waits without limit.</param>
    /// <param name="frame">The payload when the result is true.</param>
    public bool TryReceive(int millisecondsTimeout, [NotNullWhen(true)] out byte[]? frame) =>
        TryReceiveCore(millisecondsTimeout, out frame, out _);

    ValueTask IFrameSink.DeliverAsync(ReadOnlySequence<byte> frame, CancellationToken cancellationToken)
    {
        if (_onFrame is { } callback)
        {
            callback(in frame);
            return ValueTask.CompletedTask;
        }

        var copy = frame.ToArray();
        if (FrameReceived is { } handler)
        {
            handler(this, new FrameReceivedEventArgs(copy));
            return ValueTask.CompletedTask;
        }

        var writer = Frames.Writer;
        if (writer.TryWrite(copy))
        {
            // Pulsing costs an allocation, so only when a blocking reader is waiting.
            if (Volatile.Read(ref _blockedReaders) > 0)
            {
                _framesChanged.Pulse();
            }

            return ValueTask.CompletedTask;
        }

        return EnqueueWhenRoomAsync(writer, copy, cancellationToken);
    }

    private async ValueTask EnqueueWhenRoomAsync(ChannelWriter<byte[]> writer, byte[] frame, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        _framesChanged.Pulse();
    }

    void IFrameSink.BatchDelivered(Connection connection)
    {
        if (connection.UnflushedBytes == 0)
        {
            return;
        }

        // Replies sent by handlers during the batch leave together now. When another sender holds the send
        // lock (it may be waiting for room, which needs the peer to read, which may need us to read), the
        // flush happens asynchronously so that the receive loop never waits for it.
        if (_sendLock.Wait(0))
        {
            FlushDeferredLocked(connection);
        }
        else
        {
            _ = FlushDeferredAsync(connection);
        }
    }

    private async Task FlushDeferredAsync(Connection connection)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        FlushDeferredLocked(connection);
    }

    /// <summary>Flushes the batch's replies and releases the send lock, which the caller acquired.</summary>
    private void FlushDeferredLocked(Connection connection)
    {
        try
        {
            connection.FlushDeferred();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private bool TryReceiveCore(int millisecondsTimeout, [NotNullWhen(true)] out byte[]? frame, out bool ended)
    {
        var deadline = Deadline.Start(millisecondsTimeout);
        var frames = Frames;
        while (true)
        {
            if (frames.Reader.TryRead(out frame))
            {
                ended = false;
                return true;
            }

            if (NothingToWaitFor(frames))
            {
                ended = true;
                return false;
            }

            if (!WaitToRead(frames, deadline.Remaining))
            {
                ended = frames.Reader.Completion.IsCompleted;
                return false;
            }
        }
    }

    /// <summary>True when nothing is queued and nothing can arrive: the client is disconnected (as in Qt, the
    /// blocking calls then return at once instead of waiting out their timeout).</summary>
    private bool NothingToWaitFor(Channel<byte[]> frames)
    {
        if (frames.Reader.TryPeek(out _))
        {
            return false;
        }

        lock (_gate)
        {
            return _state == ClientState.Disconnected || frames.Reader.Completion.IsCompleted;
        }
    }

    /// <summary>
    /// Blocks until a frame is queued or the queue completes. It waits on <see cref="_framesChanged"/> rather than
    /// on the channel's asynchronous wait, so that a blocked caller is woken (and its timeout honoured) without
    /// needing a free thread-pool thread.
    /// </summary>
    private bool WaitToRead(Channel<byte[]> frames, int millisecondsTimeout)
    {
        var deadline = Deadline.Start(millisecondsTimeout);
        Interlocked.Increment(ref _blockedReaders);
        try
        {
            while (true)
            {
                var changed = _framesChanged.Task;
                if (frames.Reader.TryPeek(out _))
                {
                    return true;
                }

                if (frames.Reader.Completion.IsCompleted || !changed.Wait(deadline.Remaining))
                {
                    return false;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _blockedReaders);
        }
    }

    /// <summary>Ends the receive queue: readers drain what is queued, then see the end.</summary>
    private void CompleteFrames()
    {
        Frames.Writer.TryComplete();
        _framesChanged.Pulse();
    }
}
