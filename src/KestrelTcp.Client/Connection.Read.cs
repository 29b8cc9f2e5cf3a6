using System.Buffers;
using System.IO.Pipelines;
using KestrelTcp.Protocols;

namespace KestrelTcp.Client;

internal sealed partial class Connection
{
    /// <summary>Size of the buffers the receive pipe rents: room for many small frames per socket read.</summary>
    private const int ReceiveBufferSize = 64 * 1024;

    /// <summary>Smallest free space the receive pipe asks the socket to fill.</summary>
    private const int MinimumReadSize = 4 * 1024;

    private readonly PipeReader _input;

    /// <summary>
    /// Decodes frames with the shared codec and hands each to <paramref name="sink"/> before reading on.
    /// Every frame already in the buffer is parsed without going back to the socket.
    /// </summary>
    private async Task ReadLoopAsync(IFrameSink sink)
    {
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(_input, _codec);
        var token = _teardown.Token;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    // Only Teardown cancels the read, and it runs after a reason was recorded.
                    RecordReason(DisconnectReason.LocalClose, null);
                    break;
                }

                if (result.IsCompleted)
                {
                    RecordReason(DisconnectReason.RemoteClosed, null);
                    break;
                }

                var delivery = sink.DeliverAsync(result.Message, token);
                if (!delivery.IsCompletedSuccessfully)
                {
                    await delivery.ConfigureAwait(false);
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
