using System.Buffers;

namespace KestrelTcp.Protocols;

/// <summary>
/// Frames that end with a delimiter of one or more bytes (for example <c>7E</c> or <c>0D0A</c>).
/// The delimiter is not part of the frame.
/// </summary>
public sealed class DelimiterCodec : FrameCodec
{
    private readonly byte[] _delimiter;

    /// <summary>Creates the codec.</summary>
    public DelimiterCodec(ReadOnlySpan<byte> delimiter, int maxFrameBytes = FramingOptions.DefaultMaxFrameBytes)
        : base(maxFrameBytes)
    {
        if (delimiter.IsEmpty)
        {
            throw new ArgumentException("The delimiter must have at least one byte.", nameof(delimiter));
        }

        _delimiter = delimiter.ToArray();
    }

    /// <inheritdoc />
    public override FramingKind Kind => FramingKind.Delimiter;

    /// <summary>The delimiter bytes.</summary>
    public ReadOnlyMemory<byte> Delimiter => _delimiter;

    /// <inheritdoc />
    protected override int SuffixLength => _delimiter.Length;

    /// <inheritdoc />
    public override bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        // The delimiter of a frame of at most MaxFrameBytes ends within Max + delimiter length bytes.
        var window = (long)MaxFrameBytes + _delimiter.Length;
        var searched = input.Length > window ? input.Slice(0, window) : input;
        var reader = new SequenceReader<byte>(searched);
        bool found = _delimiter.Length == 1
            ? reader.TryReadTo(out ReadOnlySequence<byte> frame, _delimiter[0], advancePastDelimiter: true)
            : reader.TryReadTo(out frame, _delimiter, advancePastDelimiter: true);
        if (!found)
        {
            if (input.Length >= window)
            {
                throw FramingException.TooLargeUnterminated(MaxFrameBytes);
            }

            examined = input.End;
            message = default;
            return false;
        }

        if (frame.Length > MaxFrameBytes)
        {
            throw FramingException.TooLarge(frame.Length, MaxFrameBytes);
        }

        message = frame;
        consumed = reader.Position;
        examined = consumed;
        return true;
    }

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(in ReadOnlySequence<byte> payload) =>
        Contains(payload) ? "The payload contains the frame delimiter, which would split it into several frames." : null;

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(ReadOnlySpan<byte> payload) =>
        payload.IndexOf(_delimiter) >= 0 ? "The payload contains the frame delimiter, which would split it into several frames." : null;

    /// <inheritdoc />
    protected override void WriteSuffix(Span<byte> destination) => _delimiter.CopyTo(destination);

    private bool Contains(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return payload.FirstSpan.IndexOf(_delimiter) >= 0;
        }

        var reader = new SequenceReader<byte>(payload);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, _delimiter, advancePastDelimiter: false);
    }
}
