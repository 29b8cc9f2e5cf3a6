using System.IO.Pipelines;

namespace KestrelTcp.Client;

internal sealed partial class Connection
{
    /// <summary>Size of the buffers the receive pipe rents: room for many small frames per socket read.</summary>
    private const int ReceiveBufferSize = 64 * 1024;

    /// <summary>Smallest free space the receive pipe asks the socket to fill.</summary>
    private const int MinimumReadSize = 4 * 1024;

    private readonly PipeReader _input;

    /// <summary>The managed thread id of the receive loop while it hands out a batch of frames, else 0.
    /// Sends made on that thread (replies from a handler) are flushed once, at the end of the batch.</summary>
    private int _deliveringThread;

    /// <summary>True on the receive loop's thread while it delivers frames.</summary>
    private bool IsDeliveringThread => Volatile.Read(ref _deliveringThread) == Environment.CurrentManagedThreadId;

    /// <summary>
    /// Decodes every complete frame of each read with the shared codec, hands each to <paramref name="sink"/>,
    /// then advances past them; exits when the stream ends (a frame cut short is a framing error).
    /// </summary>
    private async Task ReadLoopAsync(IFrameSink sink)
    {
        var token = _teardown.Token;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    // Only Teardown cancels the read, and it runs after a reason was recorded.
                    _input.AdvanceTo(buffer.Start);
                    RecordReason(DisconnectReason.LocalClose, null);
                    break;
                }

                var consumed = buffer.Start;
                var examined = buffer.End;
                try
                {
                    var remaining = buffer;
                    Volatile.Write(ref _deliveringThread, Environment.CurrentManagedThreadId);
                    while (_codec.TryParseMessage(remaining, ref consumed, ref examined, out var frame))
                    {
                        var delivery = sink.DeliverAsync(frame, token);
                        if (!delivery.IsCompletedSuccessfully)
                        {
                            // The receive queue is full: wait for room (the frame stays valid, the buffer is not advanced yet).
                            Volatile.Write(ref _deliveringThread, 0);
                            await delivery.ConfigureAwait(false);
                            Volatile.Write(ref _deliveringThread, Environment.CurrentManagedThreadId);
                        }

                        remaining = buffer.Slice(consumed);
                    }

                    Volatile.Write(ref _deliveringThread, 0);
                    sink.BatchDelivered(this);
                    if (result.IsCompleted)
                    {
                        _codec.ThrowIfTruncated(remaining);
                        RecordReason(DisconnectReason.RemoteClosed, null);
                        break;
                    }
                }
                finally
                {
                    Volatile.Write(ref _deliveringThread, 0);
                    _input.AdvanceTo(consumed, examined);
                }
            }
        }
        catch (Exception ex)
        {
            RecordFailure(ex);
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }
}
