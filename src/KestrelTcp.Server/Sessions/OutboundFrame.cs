using System.Buffers;

namespace KestrelTcp.Server.Sessions;

/// <summary>A payload waiting in a session's outbound queue, held in a pooled buffer until written.</summary>
internal readonly struct OutboundFrame
{
    private readonly byte[] _buffer;

    private OutboundFrame(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlySequence<byte> Sequence => new(_buffer, 0, Length);

    public static OutboundFrame Copy(ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        payload.CopyTo(buffer);
        return new OutboundFrame(buffer, payload.Length);
    }

    public static OutboundFrame Copy(in ReadOnlySequence<byte> payload)
    {
        var length = (int)payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        payload.CopyTo(buffer);
        return new OutboundFrame(buffer, length);
    }

    public void Return() => ArrayPool<byte>.Shared.Return(_buffer);
}
