using System.Buffers;

namespace KestrelTcp.Protocols;

/// <summary>
/// No framing: whatever has arrived is one frame (split at <see cref="FrameCodec.MaxFrameBytes"/>).
/// It shows TCP's split/merge behaviour on purpose; use it to see exactly how bytes arrive.
/// </summary>
public sealed class RawCodec : FrameCodec
{
    /// <summary>Creates the codec.</summary>
    public RawCodec(int maxFrameBytes = FramingOptions.DefaultMaxFrameBytes)
        : base(maxFrameBytes)
    {
    }

    /// <inheritdoc />
    public override FramingKind Kind => FramingKind.Raw;

    /// <inheritdoc />
    public override bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        if (input.IsEmpty)
        {
            examined = input.End;
            message = default;
            return false;
        }

        message = input.Length > MaxFrameBytes ? input.Slice(0, MaxFrameBytes) : input;
        consumed = message.End;
        examined = consumed;
        return true;
    }
}
