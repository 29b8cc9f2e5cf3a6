using System.Buffers;
using System.Buffers.Binary;

namespace KestrelTcp.Protocols;

/// <summary>
/// Frames with a length field, covering the cases of Netty's LengthFieldBasedFrameDecoder:
/// <c>[LengthOffset bytes][length field of HeaderBytes][payload]</c>, where
/// payload length = field value + <c>LengthAdjustment</c> − (header size when <c>LengthIncludesHeader</c>).
/// The payload is the frame; the header is not part of it. The length is checked against the maximum
/// before anything is buffered, so a 2 GiB prefix costs nothing.
/// </summary>
public sealed class LengthPrefixedCodec : FrameCodec
{
    private readonly int _headerBytes;
    private readonly bool _bigEndian;
    private readonly int _lengthOffset;
    private readonly int _lengthAdjustment;
    private readonly bool _includesHeader;
    private readonly int _prefixLength;

    /// <summary>Creates the codec.</summary>
    public LengthPrefixedCodec(
        int headerBytes = 4,
        ByteOrder byteOrder = ByteOrder.BigEndian,
        int lengthOffset = 0,
        int lengthAdjustment = 0,
        bool lengthIncludesHeader = false,
        int maxFrameBytes = FramingOptions.DefaultMaxFrameBytes)
        : base(maxFrameBytes)
    {
        if (headerBytes is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(headerBytes), headerBytes, "The length field must be 1, 2, 4 or 8 bytes.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(lengthOffset);
        _headerBytes = headerBytes;
        _bigEndian = byteOrder == ByteOrder.BigEndian;
        _lengthOffset = lengthOffset;
        _lengthAdjustment = lengthAdjustment;
        _includesHeader = lengthIncludesHeader;
        _prefixLength = lengthOffset + headerBytes;
    }

    /// <inheritdoc />
    public override FramingKind Kind => FramingKind.LengthPrefixed;

    /// <inheritdoc />
    protected override int PrefixLength => _prefixLength;

    /// <inheritdoc />
    public override bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        if (input.Length < _prefixLength)
        {
            examined = input.End;
            message = default;
            return false;
        }

        ulong field;
        var first = input.FirstSpan;
        if (first.Length >= _prefixLength)
        {
            field = ReadField(first.Slice(_lengthOffset, _headerBytes));
        }
        else
        {
            Span<byte> header = stackalloc byte[8];
            input.Slice(_lengthOffset, _headerBytes).CopyTo(header);
            field = ReadField(header[.._headerBytes]);
        }

        var payloadLength = PayloadLength(field);
        var frameLength = _prefixLength + payloadLength;
        if (input.Length < frameLength)
        {
            examined = input.End;
            message = default;
            return false;
        }

        message = input.Slice(_prefixLength, payloadLength);
        consumed = message.End;
        examined = consumed;
        return true;
    }

    /// <inheritdoc />
    /// <remarks>Only without a <c>LengthOffset</c>: the bytes before the field are written as zeros.</remarks>
    public override bool ReframesVerbatim => _lengthOffset == 0;

    /// <inheritdoc />
    public override bool TryParseFrame(ReadOnlySpan<byte> input, out int payloadOffset, out int payloadLength, out int frameLength)
    {
        payloadOffset = _prefixLength;
        if (input.Length < _prefixLength)
        {
            payloadLength = 0;
            frameLength = 0;
            return false;
        }

        payloadLength = PayloadLength(ReadField(input.Slice(_lengthOffset, _headerBytes)));
        frameLength = _prefixLength + payloadLength;
        return input.Length >= frameLength;
    }

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(in ReadOnlySequence<byte> payload) => CheckEncodable(payload.Length);

    /// <inheritdoc />
    protected override string? ValidatePayloadCore(ReadOnlySpan<byte> payload) => CheckEncodable(payload.Length);

    /// <inheritdoc />
    protected override void WritePrefix(Span<byte> destination, int payloadLength)
    {
        if (_lengthOffset > 0)
        {
            destination[.._lengthOffset].Clear();
        }

        var value = FieldValue(payloadLength);
        var field = destination.Slice(_lengthOffset, _headerBytes);
        switch (_headerBytes)
        {
            case 1:
                field[0] = (byte)value;
                break;
            case 2:
                if (_bigEndian)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value);
                }

                break;
            case 4:
                if (_bigEndian)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(field, (uint)value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)value);
                }

                break;
            default:
                if (_bigEndian)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(field, (ulong)value);
                }

                break;
        }
    }

    private ulong ReadField(ReadOnlySpan<byte> field) => _headerBytes switch
    {
        1 => field[0],
        2 => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(field) : BinaryPrimitives.ReadUInt16LittleEndian(field),
        4 => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field),
        _ => _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(field) : BinaryPrimitives.ReadUInt64LittleEndian(field),
    };

    private int PayloadLength(ulong field)
    {
        // The field is unsigned and up to 64 bits wide; anything past the 64 MiB ceiling is too large
        // whatever the adjustment, which keeps the arithmetic below in range.
        const ulong Ceiling = (ulong)FramingOptions.MaxFrameBytesLimit * 4;
        if (field > Ceiling)
        {
            throw new FramingException(FramingError.FrameTooLarge, $"Length field value {field} exceeds the maximum frame size of {MaxFrameBytes} bytes.");
        }

        var length = (long)field + _lengthAdjustment - (_includesHeader ? _prefixLength : 0);
        if (length < 0)
        {
            throw new FramingException(FramingError.InvalidFrame, $"Length field value {field} gives a negative payload length ({length}).");
        }

        if (length > MaxFrameBytes)
        {
            throw FramingException.TooLarge(length, MaxFrameBytes);
        }

        return (int)length;
    }

    private long FieldValue(long payloadLength) =>
        payloadLength - _lengthAdjustment + (_includesHeader ? _prefixLength : 0);

    private string? CheckEncodable(long payloadLength)
    {
        var value = FieldValue(payloadLength);
        var fieldMax = _headerBytes switch
        {
            1 => byte.MaxValue,
            2 => ushort.MaxValue,
            4 => uint.MaxValue,
            _ => long.MaxValue,
        };
        return value < 0 || value > fieldMax
            ? $"A payload of {payloadLength} bytes cannot be expressed in a {_headerBytes}-byte length field with these settings (value {value})."
            : null;
    }
}
