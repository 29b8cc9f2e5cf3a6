using System.Buffers;

namespace KestrelTcp.Protocols;

/// <summary>
/// Frames that end with a delimiter of one or more bytes (for example <c>7E</c> or <c>0D0A</c>).
/// The delimiter is not part of the frame.
/// </summary>
public sealed class DelimiterCodec : FrameCodec
{
    private const string ContainsDelimiterError = "The payload contains the frame delimiter, which would split it into several frames.";

    private const string EndsWithDelimiterStartError =
        "The payload ends with the start of the frame delimiter, which together with the delimiter appended after it would end the frame early.";

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
        // The delimiter of a frame of at most MaxFrameBytes ends within Max + delimiter length bytes;
        // once that many bytes hold none, the frame is rejected without waiting for more. The search
        // stops at the first delimiter, without slicing that window first (slicing walks every
        // segment of the window for each frame).
        var window = (long)MaxFrameBytes + _delimiter.Length;
        var reader = new SequenceReader<byte>(input);
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
    public override bool ReframesVerbatim => true;

    /// <inheritdoc />
    public override bool TryParseFrame(ReadOnlySpan<byte> input, out int payloadOffset, out int payloadLength, out int frameLength)
    {
        payloadOffset = 0;
        var at = _delimiter.Length == 1 ? input.IndexOf(_delimiter[0]) : input.IndexOf(_delimiter);
        if (at < 0)
        {
            // No delimiter here: the sequence parser decides whether to wait or reject.
            payloadLength = 0;
            frameLength = 0;
            return false;
        }

        if (at > MaxFrameBytes)
        {
            throw FramingException.TooLarge(at, MaxFrameBytes);
        }

        payloadLength = at;
        frameLength = at + _delimiter.Length;
        return true;
    }

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(in ReadOnlySequence<byte> payload)
    {
        if (Contains(payload))
        {
            return ContainsDelimiterError;
        }

        // Only the last (delimiter length - 1) bytes can combine with the appended delimiter.
        var tailLength = (int)Math.Min(payload.Length, _delimiter.Length - 1);
        Span<byte> tail = tailLength <= 64 ? stackalloc byte[tailLength] : new byte[tailLength];
        payload.Slice(payload.Length - tailLength).CopyTo(tail);
        return EndsWithDelimiterStart(tail) ? EndsWithDelimiterStartError : null;
    }

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(ReadOnlySpan<byte> payload)
    {
        if (payload.IndexOf(_delimiter) >= 0)
        {
            return ContainsDelimiterError;
        }

        var tailLength = Math.Min(payload.Length, _delimiter.Length - 1);
        return EndsWithDelimiterStart(payload[^tailLength..]) ? EndsWithDelimiterStartError : null;
    }

    /// <inheritdoc />
    protected override void WriteSuffix(Span<byte> destination) => _delimiter.CopyTo(destination);

    /// <summary>
    /// Whether the delimiter appended after a payload ending in <paramref name="tail"/> would not be
    /// the first occurrence of the delimiter: true when the last k bytes of the payload are the first
    /// k bytes of the delimiter and the delimiter's remaining bytes repeat its start (it overlaps
    /// itself, like <c>7E7E</c>). The decoder would then end the frame early.
    /// </summary>
    private bool EndsWithDelimiterStart(ReadOnlySpan<byte> tail)
    {
        ReadOnlySpan<byte> delimiter = _delimiter;
        for (var k = tail.Length; k >= 1; k--)
        {
            if (delimiter[..k].SequenceEqual(tail[^k..]) && delimiter[k..].SequenceEqual(delimiter[..^k]))
            {
                return true;
            }
        }

        return false;
    }

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
