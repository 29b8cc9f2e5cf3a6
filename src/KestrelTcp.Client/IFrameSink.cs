using System.Buffers;

namespace KestrelTcp.Client;

/// <summary>Where a connection's receive loop hands each decoded frame.</summary>
internal interface IFrameSink
{
    /// <summary>Takes one frame; <paramref name="frame"/> is valid only until the returned task completes.
    /// Completes synchronously unless the receive queue is full.</summary>
    ValueTask DeliverAsync(ReadOnlySequence<byte> frame, CancellationToken cancellationToken);
}
