using System.Buffers;

namespace KestrelTcp.Client;

/// <summary>Where a connection's receive loop hands each decoded frame.</summary>
internal interface IFrameSink
{
    /// <summary>Takes one frame; <paramref name="frame"/> is valid only until the returned task completes.
    /// Completes synchronously unless the receive queue is full.</summary>
    ValueTask DeliverAsync(ReadOnlySequence<byte> frame, CancellationToken cancellationToken);

    /// <summary>Called after the frames of one socket read were delivered, on the receive loop.</summary>
    void BatchDelivered(Connection connection);
}
