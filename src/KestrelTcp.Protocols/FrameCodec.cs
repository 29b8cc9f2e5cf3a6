using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace KestrelTcp.Protocols;

/// <summary>
/// A framing codec: a decoder that slices frames out of a byte stream without copying, and an
/// encoder that writes a payload with its framing. Codecs are stateless and thread-safe, so one
/// instance serves every connection of a listener.
/// </summary>
public abstract class FrameCodec : IMessageReader<ReadOnlySequence<byte>>, IMessageWriter<ReadOnlySequence<byte>>
{
    private const int SingleSpanLimit = 4096;

    /// <summary>Creates the codec with its maximum payload size.</summary>
    protected FrameCodec(int maxFrameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, 1);
        MaxFrameBytes = maxFrameBytes;
    }

    /// <summary>The framing this codec implements.</summary>
    public abstract FramingKind Kind { get; }

    /// <summary>Largest payload decoded or encoded, in bytes.</summary>
    public int MaxFrameBytes { get; }

    /// <summary>Bytes the framing adds around a payload (header and delimiter).</summary>
    public int FramingOverhead => PrefixLength + SuffixLength;

    /// <summary>Bytes written before each payload (a header).</summary>
    protected virtual int PrefixLength => 0;

    /// <summary>Bytes written after each payload (a delimiter).</summary>
    protected virtual int SuffixLength => 0;

    /// <summary>
    /// True when framing a decoded payload again gives back exactly the bytes it was decoded from, so an
    /// echo can copy a received frame as it is instead of framing it again. False for line framing (a CR
    /// before the LF is dropped) and for length fields after other header bytes (written as zeros).
    /// </summary>
    public virtual bool ReframesVerbatim => false;

    /// <summary>Builds the codec for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static FrameCodec Create(FramingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var max = options.EffectiveMaxFrameBytes;
        return options.Kind switch
        {
            FramingKind.Raw => new RawCodec(max),
            FramingKind.Line => new LineCodec(max),
            FramingKind.Delimiter => new DelimiterCodec(ParseDelimiter(options.Delimiter!), max),
            FramingKind.LengthPrefixed => new LengthPrefixedCodec(options.HeaderBytes, options.Endianness, options.LengthOffset, options.LengthAdjustment, options.LengthIncludesHeader, max),
            FramingKind.Fixed => new FixedCodec(options.FrameBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown framing kind."),
        };
    }

    /// <inheritdoc />
    public abstract bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message);

    /// <summary>
    /// Called when the stream ends with <paramref name="unconsumed"/> bytes left over.
    /// </summary>
    /// <exception cref="FramingException">Bytes of an incomplete frame remain (<see cref="FramingError.TruncatedFrame"/>).</exception>
    public virtual void ThrowIfTruncated(in ReadOnlySequence<byte> unconsumed)
    {
        if (!unconsumed.IsEmpty)
        {
            throw new FramingException(FramingError.TruncatedFrame, $"The stream ended inside a frame; {unconsumed.Length} bytes of an incomplete frame were discarded.");
        }
    }

    /// <summary>Checks whether <paramref name="payload"/> can be sent as one frame.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="error">Why it cannot, when it cannot.</param>
    public bool TryValidatePayload(in ReadOnlySequence<byte> payload, [NotNullWhen(false)] out string? error)
    {
        if (payload.Length > MaxFrameBytes)
        {
            error = $"The payload of {payload.Length} bytes exceeds the maximum frame size of {MaxFrameBytes} bytes.";
            return false;
        }

        error = ValidatePayloadCore(payload);
        return error is null;
    }

    /// <summary>Checks whether <paramref name="payload"/> can be sent as one frame.</summary>
    public bool TryValidatePayload(ReadOnlySpan<byte> payload, [NotNullWhen(false)] out string? error)
    {
        // Wrapping a span needs an array; validation is off the hot path, so copy only when needed.
        if (payload.Length > MaxFrameBytes)
        {
            error = $"The payload of {payload.Length} bytes exceeds the maximum frame size of {MaxFrameBytes} bytes.";
            return false;
        }

        error = ValidatePayloadCore(payload);
        return error is null;
    }

    /// <summary>The size of <paramref name="payloadLength"/> bytes once framed.</summary>
    public long GetEncodedLength(long payloadLength) => payloadLength + FramingOverhead;

    /// <inheritdoc />
    public void WriteMessage(ReadOnlySequence<byte> message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!TryValidatePayload(message, out var error))
        {
            throw new ArgumentException(error, nameof(message));
        }

        if (message.IsSingleSegment)
        {
            WriteFrame(message.FirstSpan, output);
            return;
        }

        WritePrefixTo(output, (int)message.Length);
        foreach (var segment in message)
        {
            output.Write(segment.Span);
        }

        WriteSuffixTo(output);
    }

    /// <summary>Writes <paramref name="payload"/> with its framing to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">The payload cannot be framed.</exception>
    public void WriteMessage(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!TryValidatePayload(payload, out var error))
        {
            throw new ArgumentException(error, nameof(payload));
        }

        WriteFrame(payload, output);
    }

    /// <summary>
    /// The fast path for contiguous bytes: parses one frame that lies wholly inside <paramref name="input"/>
    /// and gives the payload's place in it and the frame's length. Returns false when <paramref name="input"/>
    /// does not hold a whole frame, or when the codec has no span parser; the caller then asks
    /// <see cref="TryParseMessage"/>, which decides (it also handles frames split across segments). A frame
    /// this parser accepts is the frame <see cref="TryParseMessage"/> would give, and a frame it rejects
    /// throws the same <see cref="FramingException"/>.
    /// </summary>
    public virtual bool TryParseFrame(ReadOnlySpan<byte> input, out int payloadOffset, out int payloadLength, out int frameLength)
    {
        payloadOffset = 0;
        payloadLength = 0;
        frameLength = 0;
        return false;
    }

    /// <summary>Writes <paramref name="payload"/> with its framing into <paramref name="destination"/>; see the sequence overload.</summary>
    /// <exception cref="ArgumentException">The payload cannot be framed, or <paramref name="destination"/> is too small.</exception>
    public int Encode(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (!TryValidatePayload(payload, out var error))
        {
            throw new ArgumentException(error, nameof(payload));
        }

        var prefix = PrefixLength;
        var total = prefix + payload.Length + SuffixLength;
        if (destination.Length < total)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the frame needs {total}.", nameof(destination));
        }

        WritePrefix(destination, payload.Length);
        payload.CopyTo(destination[prefix..]);
        WriteSuffix(destination[(prefix + payload.Length)..]);
        return total;
    }

    /// <summary>
    /// Writes <paramref name="payload"/> with its framing into <paramref name="destination"/>, which must
    /// hold <see cref="GetEncodedLength"/> bytes, and returns how many bytes were written. For callers that
    /// gather many frames into one buffer (one copy each, no <see cref="IBufferWriter{T}"/> calls).
    /// </summary>
    /// <exception cref="ArgumentException">The payload cannot be framed, or <paramref name="destination"/> is too small.</exception>
    public int Encode(in ReadOnlySequence<byte> payload, Span<byte> destination)
    {
        if (!TryValidatePayload(payload, out var error))
        {
            throw new ArgumentException(error, nameof(payload));
        }

        var length = (int)payload.Length;
        var prefix = PrefixLength;
        var total = prefix + length + SuffixLength;
        if (destination.Length < total)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the frame needs {total}.", nameof(destination));
        }

        WritePrefix(destination, length);
        payload.CopyTo(destination[prefix..]);
        WriteSuffix(destination[(prefix + length)..]);
        return total;
    }

    /// <summary>Checks kind-specific payload rules; the size limit is already checked.</summary>
    protected virtual string? ValidatePayloadCore(in ReadOnlySequence<byte> payload) => null;

    /// <summary>Checks kind-specific payload rules; the size limit is already checked.</summary>
    protected virtual string? ValidatePayloadCore(ReadOnlySpan<byte> payload) => null;

    /// <summary>Writes the <see cref="PrefixLength"/> bytes that come before a payload of
    /// <paramref name="payloadLength"/> bytes into <paramref name="destination"/>.</summary>
    protected virtual void WritePrefix(Span<byte> destination, int payloadLength)
    {
    }

    /// <summary>Writes the <see cref="SuffixLength"/> bytes that come after a payload into <paramref name="destination"/>.</summary>
    protected virtual void WriteSuffix(Span<byte> destination)
    {
    }

    private void WriteFrame(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        // Small frames are written with one GetSpan/Advance pair: the common case costs one copy.
        var prefix = PrefixLength;
        var total = prefix + payload.Length + SuffixLength;
        if (total <= SingleSpanLimit)
        {
            var span = output.GetSpan(total);
            WritePrefix(span, payload.Length);
            payload.CopyTo(span[prefix..]);
            WriteSuffix(span[(prefix + payload.Length)..]);
            output.Advance(total);
            return;
        }

        WritePrefixTo(output, payload.Length);
        output.Write(payload);
        WriteSuffixTo(output);
    }

    private void WritePrefixTo(IBufferWriter<byte> output, int payloadLength)
    {
        var prefix = PrefixLength;
        if (prefix > 0)
        {
            WritePrefix(output.GetSpan(prefix), payloadLength);
            output.Advance(prefix);
        }
    }

    private void WriteSuffixTo(IBufferWriter<byte> output)
    {
        var suffix = SuffixLength;
        if (suffix > 0)
        {
            WriteSuffix(output.GetSpan(suffix));
            output.Advance(suffix);
        }
    }

    private static byte[] ParseDelimiter(string hex)
    {
        FramingOptions.TryParseHex(hex, out var bytes);
        return bytes;
    }
}
