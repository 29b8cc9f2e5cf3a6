using System.Buffers;

namespace KestrelTcp.Protocols;

/// <summary>Every frame has exactly <see cref="FrameBytes"/> bytes; there is no header or delimiter.</summary>
public sealed class FixedCodec : FrameCodec
{
    /// <summary>Creates the codec.</summary>
    public FixedCodec(int frameBytes)
        : base(frameBytes)
    {
    }

    /// <inheritdoc />
    public override FramingKind Kind => FramingKind.Fixed;

    /// <summary>The size of every frame.</summary>
    public int FrameBytes => MaxFrameBytes;

    /// <inheritdoc />
    public override bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        if (input.Length < FrameBytes)
        {
            examined = input.End;
            message = default;
            return false;
        }

        message = input.Slice(0, FrameBytes);
        consumed = message.End;
        examined = consumed;
        return true;
    }

    /// <inheritdoc />
    public override bool ReframesVerbatim => true;

    /// <inheritdoc />
    public override bool TryParseFrame(ReadOnlySpan<byte> input, out int payloadOffset, out int payloadLength, out int frameLength)
    {
        payloadOffset = 0;
        payloadLength = FrameBytes;
        frameLength = FrameBytes;
        return input.Length >= FrameBytes;
    }

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(in ReadOnlySequence<byte> payload) => Check(payload.Length);

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(ReadOnlySpan<byte> payload) => Check(payload.Length);

    private string? Check(long length) =>
        length == FrameBytes ? null : $"Fixed framing needs payloads of exactly {FrameBytes} bytes (got {length}).";
}
