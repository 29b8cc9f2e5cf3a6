using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KestrelTcp.Client;

internal sealed partial class Connection
{
    /// <summary>Segment size of the send pipe: frames written close together leave in one socket write.</summary>
    private const int SendSegmentSize = 16 * 1024;

    /// <summary>Most bytes a receive batch's replies may hold back before they are flushed anyway.</summary>
    private const int MaxDeferredBytes = 64 * 1024;

    private readonly Pipe _output;
    private readonly AsyncSignal _written = new();
    private readonly List<ArraySegment<byte>> _gather = [];
    private long _bytesQueued;
    private long _bytesWritten;
    private long _unflushedBytes;
    private bool _outputCompleted;
    private volatile bool _sendLoopEnded;

    /// <summary>Framed bytes handed to the send loop since the connection opened.</summary>
    public long BytesQueued => Interlocked.Read(ref _bytesQueued);

    /// <summary>Framed bytes written by the receive loop's thread and not yet handed to the send loop
    /// (they are, at the end of the receive batch).</summary>
    public long UnflushedBytes => Interlocked.Read(ref _unflushedBytes);

    /// <summary>Framed bytes handed to the socket since the connection opened.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Framed bytes accepted but not yet handed to the socket.</summary>
    public long PendingBytes => BytesQueued - BytesWritten;

    /// <summary>True once nothing more can be sent: closing, closed or broken.</summary>
    public bool IsSendClosed => _sendLoopEnded || _outputCompleted || Volatile.Read(ref _tornDown) != 0;

    /// <summary>True once the send loop has stopped: nothing more will be written.</summary>
    public bool SendLoopEnded => _sendLoopEnded;

    /// <summary>Pulsed after socket writes (for registered waiters) and when the send loop ends.</summary>
    public AsyncSignal Written => _written;

    /// <summary>
    /// Frames <paramref name="payload"/> into the send pipe and wakes the send loop. The caller holds the
    /// client's send lock (the pipe has one writer) and has validated the payload. False when the
    /// connection can no longer send. On the receive loop's thread (a reply sent from a handler) the wake-up
    /// waits for the end of the receive batch, so that the replies to one read leave in one socket write.
    /// </summary>
    public bool TryWriteFrame(ReadOnlySpan<byte> payload)
    {
        if (IsSendClosed)
        {
            return false;
        }

        _codec.WriteMessage(payload, _output.Writer);
        var unflushed = Interlocked.Add(ref _unflushedBytes, _codec.GetEncodedLength(payload.Length));
        return (IsDeliveringThread && unflushed < MaxDeferredBytes) || Flush();
    }

    /// <summary>Hands what the receive batch held back to the send loop. The caller holds the client's send lock.</summary>
    public bool FlushDeferred() => UnflushedBytes == 0 || IsSendClosed || Flush();

    private bool Flush()
    {
        Interlocked.Add(ref _bytesQueued, Interlocked.Exchange(ref _unflushedBytes, 0));

        // The pipe has no pause threshold (the client limits pending bytes itself), so the flush only
        // schedules the send loop and completes synchronously.
        var flush = _output.Writer.FlushAsync();
        var result = flush.IsCompleted ? flush.GetAwaiter().GetResult() : flush.AsTask().GetAwaiter().GetResult();
        return !result.IsCompleted && !result.IsCanceled;
    }

    /// <summary>Starts a graceful close: the send loop writes what is queued, then shuts down the sending
    /// side (see <see cref="WaitForCloseAsync"/>). The caller holds the client's send lock.</summary>
    public void CompleteOutput()
    {
        // Recorded first: the send loop may run inline and the peer may close before this returns.
        RecordReason(DisconnectReason.LocalClose, null);
        if (!_outputCompleted)
        {
            _outputCompleted = true;
            _output.Writer.Complete();
        }
    }

    /// <summary>The single writer of the socket: takes everything queued and sends it in one go.</summary>
    private async Task WriteLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    reader.AdvanceTo(buffer.Start);
                    break;
                }

                var length = buffer.Length;
                if (length > 0)
                {
                    await SendAsync(buffer).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                Interlocked.Add(ref _bytesWritten, length);
                _written.PulseIfWaited();
                if (result.IsCompleted)
                {
                    await ShutdownSendAsync().ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            RecordFailure(ex);
            Teardown();
        }
        finally
        {
            _sendLoopEnded = true;
            await reader.CompleteAsync().ConfigureAwait(false);
            _written.Pulse();
        }
    }

    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment || _tls is not null || !TryGather(buffer))
        {
            foreach (var segment in buffer)
            {
                await _stream.WriteAsync(segment).ConfigureAwait(false);
            }

            return;
        }

        // Plain TCP with several segments: one gathered send instead of one system call per segment.
        var sent = await _socket.SendAsync(_gather, SocketFlags.None).ConfigureAwait(false);
        _gather.Clear();
        if (sent < buffer.Length)
        {
            foreach (var segment in buffer.Slice(sent))
            {
                await _stream.WriteAsync(segment).ConfigureAwait(false);
            }
        }
    }

    private bool TryGather(in ReadOnlySequence<byte> buffer)
    {
        _gather.Clear();
        foreach (var segment in buffer)
        {
            if (!MemoryMarshal.TryGetArray(segment, out var array))
            {
                _gather.Clear();
                return false;
            }

            _gather.Add(array);
        }

        return true;
    }

    private async ValueTask ShutdownSendAsync()
    {
        if (_tls is not null)
        {
            await _tls.ShutdownAsync().ConfigureAwait(false);
        }

        _socket.Shutdown(SocketShutdown.Send);
    }
}
