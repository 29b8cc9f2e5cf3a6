using System.Buffers;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Something waiting in a session's outbound queue, held in a pooled buffer until written: either one
/// payload that the write loop frames with the listener's codec, or a block of frames that are already
/// framed (the echoes of one read), which the write loop copies out as they are.
/// </summary>
internal readonly struct OutboundFrame
{
    private readonly byte[] _buffer;

    // Set when the buffer is shared with other queues (a relay block): then it is released, not returned.
    private readonly SharedBlock? _shared;

    private OutboundFrame(byte[] buffer, int length, int encodedFrames, SharedBlock? shared = null, bool unrecorded = false)
    {
        _buffer = buffer;
        Length = length;
        EncodedFrames = encodedFrames;
        _shared = shared;
        Unrecorded = unrecorded;
    }

    /// <summary>True for a payload kept out of the session's history and the durable history (an auto-reply
    /// rule's reply with <c>record: false</c>, such as a heartbeat's).</summary>
    public bool Unrecorded { get; }

    /// <summary>Bytes in the buffer: the payload, or the whole framed block.</summary>
    public int Length { get; }

    /// <summary>0 for a payload still to be framed; otherwise how many framed frames the block holds.</summary>
    public int EncodedFrames { get; }

    public bool IsEncoded => EncodedFrames > 0;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlySequence<byte> Sequence => new(_buffer, 0, Length);

    public static OutboundFrame Copy(ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        payload.CopyTo(buffer);
        return new OutboundFrame(buffer, payload.Length, 0);
    }

    /// <summary>A copy of <paramref name="payload"/> that the write loop sends but does not record.</summary>
    public static OutboundFrame CopyUnrecorded(ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        payload.CopyTo(buffer);
        return new OutboundFrame(buffer, payload.Length, 0, unrecorded: true);
    }

    public static OutboundFrame Copy(in ReadOnlySequence<byte> payload)
    {
        var length = (int)payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        payload.CopyTo(buffer);
        return new OutboundFrame(buffer, length, 0);
    }

    /// <summary>One queue's reference to a <paramref name="block"/> holding <paramref name="frames"/> framed
    /// frames in its first <paramref name="length"/> bytes; <see cref="Return"/> releases the reference.</summary>
    public static OutboundFrame Shared(SharedBlock block, int length, int frames) => new(block.Buffer, length, frames, block);

    /// <summary>Takes ownership of a pooled <paramref name="buffer"/> holding <paramref name="frames"/> framed frames.</summary>
    public static OutboundFrame Encoded(byte[] buffer, int length, int frames) => new(buffer, length, frames);

    public void Return()
    {
        if (_shared is not null)
        {
            _shared.Release();
        }
        else
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
