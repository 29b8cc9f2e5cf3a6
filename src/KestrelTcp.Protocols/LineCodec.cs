using System.Buffers;

namespace KestrelTcp.Protocols;

/// <summary>
/// LF-terminated lines. A trailing CR is stripped, so CRLF senders work too; the encoder writes LF.
/// </summary>
public sealed class LineCodec : FrameCodec
{
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    /// <summary>Creates the codec.</summary>
    public LineCodec(int maxFrameBytes = FramingOptions.DefaultMaxLineBytes)
        : base(maxFrameBytes)
    {
    }

    /// <inheritdoc />
    public override FramingKind Kind => FramingKind.Line;

    /// <inheritdoc />
    protected override int SuffixLength => 1;

    /// <inheritdoc />
    public override bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        // A line of MaxFrameBytes may be followed by CR and LF, so the LF must be within Max + 2 bytes;
        // once that many bytes hold none, the line is rejected without waiting for more. The search
        // stops at the first LF. It does not slice a window of Max + 2 bytes first: on a buffer of
        // many small segments that walks every segment of the window for each frame.
        var window = (long)MaxFrameBytes + 2;
        var lf = input.PositionOf(Lf);
        if (lf is null)
        {
            if (input.Length >= window)
            {
                throw FramingException.TooLargeUnterminated(MaxFrameBytes);
            }

            examined = input.End;
            message = default;
            return false;
        }

        var line = input.Slice(0, lf.Value);
        var next = input.GetPosition(1, lf.Value);
        if (!line.IsEmpty && LastByte(line) == Cr)
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (line.Length > MaxFrameBytes)
        {
            throw FramingException.TooLarge(line.Length, MaxFrameBytes);
        }

        message = line;
        consumed = next;
        examined = next;
        return true;
    }

    /// <inheritdoc />
    public override bool TryParseFrame(ReadOnlySpan<byte> input, out int payloadOffset, out int payloadLength, out int frameLength)
    {
        payloadOffset = 0;
        var lf = input.IndexOf(Lf);
        if (lf < 0)
        {
            // No end of line here: the sequence parser decides whether to wait or reject.
            payloadLength = 0;
            frameLength = 0;
            return false;
        }

        payloadLength = lf > 0 && input[lf - 1] == Cr ? lf - 1 : lf;
        if (payloadLength > MaxFrameBytes)
        {
            throw FramingException.TooLarge(payloadLength, MaxFrameBytes);
        }

        frameLength = lf + 1;
        return true;
    }

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(in ReadOnlySequence<byte> payload) =>
        payload.PositionOf(Lf) is null ? null : "The payload contains a line feed, which would split it into several lines.";

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(ReadOnlySpan<byte> payload) =>
        payload.Contains(Lf) ? "The payload contains a line feed, which would split it into several lines." : null;

    /// <inheritdoc />
    protected override void WriteSuffix(Span<byte> destination) => destination[0] = Lf;

    private static byte LastByte(in ReadOnlySequence<byte> sequence) =>
        sequence.IsSingleSegment ? sequence.FirstSpan[^1] : sequence.Slice(sequence.Length - 1).FirstSpan[0];
}
