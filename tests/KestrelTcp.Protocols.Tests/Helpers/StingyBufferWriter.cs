using System.Buffers;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that gives out exactly what is asked for (one byte when asked
/// for "any"), in a fresh array each time, so an encoder that writes past the span it was given
/// or assumes a bigger one fails.
/// </summary>
internal sealed class StingyBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[]? _current;

    public byte[] Written => [.. _written];

    public int GetSpanCalls { get; private set; }

    public void Advance(int count)
    {
        if (_current is null || count < 0 || count > _current.Length)
        {
            throw new InvalidOperationException($"Advance({count}) does not match the last span given out ({_current?.Length}).");
        }

        _written.AddRange(_current.AsSpan(0, count).ToArray());
        _current = null;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpanCalls++;
        _current = new byte[Math.Max(sizeHint, 1)];
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
