using System.Buffers;
using System.Buffers.Binary;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

public sealed class LengthPrefixedEncoderTests
{
    private static readonly int[] PayloadLengths = [0, 1, 2, 7, 200, 252, 253, 255, 256, 300, 5000];

    /// <summary>Every header size × byte order × offset × adjustment × includes-header.</summary>
    public static TheoryData<int, ByteOrder, int, int, bool> AllOptions()
    {
        var data = new TheoryData<int, ByteOrder, int, int, bool>();
        foreach (var headerBytes in new[] { 1, 2, 4, 8 })
        {
            foreach (var order in new[] { ByteOrder.BigEndian, ByteOrder.LittleEndian })
            {
                foreach (var offset in new[] { 0, 3 })
                {
                    foreach (var adjustment in new[] { 0, -2, 5 })
                    {
                        data.Add(headerBytes, order, offset, adjustment, false);
                        data.Add(headerBytes, order, offset, adjustment, true);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllOptions))]
    public void LengthPrefixedEncoderRoundTripsEveryExpressibleLength(int headerBytes, ByteOrder order, int offset, int adjustment, bool includesHeader)
    {
        var codec = new LengthPrefixedCodec(headerBytes, order, offset, adjustment, includesHeader, maxFrameBytes: 6000);
        var prefix = offset + headerBytes;
        var encodedAny = false;
        foreach (var length in PayloadLengths)
        {
            // The field value the specification (not the codec) says this payload needs.
            var field = length - adjustment + (includesHeader ? prefix : 0);
            var expressible = field >= 0 && (headerBytes == 8 || field < 1L << (8 * headerBytes));
            var payload = Bytes.Pattern(length, start: length);
            var writer = new ArrayBufferWriter<byte>();

            Assert.Equal(expressible, codec.TryValidatePayload(payload, out var error));
            if (!expressible)
            {
                Assert.Contains($"{headerBytes}-byte", error, StringComparison.Ordinal);
                Assert.Throws<ArgumentException>(() => codec.WriteMessage(payload, writer));
                Assert.Equal(0, writer.WrittenCount);
                continue;
            }

            codec.WriteMessage(payload, writer);
            var frame = writer.WrittenSpan.ToArray();

            Assert.Equal(codec.GetEncodedLength(length), frame.Length);
            Assert.Equal(new byte[offset], frame[..offset]);
            Assert.Equal((ulong)field, ReadField(frame.AsSpan(offset, headerBytes), order));
            Assert.Equal(payload, frame[prefix..]);
            Assert.Equal([payload], FrameDecoder.DecodeBuffer(codec, Sequences.RandomSegments(frame, length)).Success());
            encodedAny = true;
        }

        Assert.True(encodedAny);
    }

    [Theory]
    [InlineData(1, ByteOrder.BigEndian, "05")]
    [InlineData(2, ByteOrder.BigEndian, "0005")]
    [InlineData(2, ByteOrder.LittleEndian, "0500")]
    [InlineData(4, ByteOrder.BigEndian, "00000005")]
    [InlineData(4, ByteOrder.LittleEndian, "05000000")]
    [InlineData(8, ByteOrder.BigEndian, "0000000000000005")]
    [InlineData(8, ByteOrder.LittleEndian, "0500000000000000")]
    public void LengthPrefixedEncoderWritesTheFieldInTheConfiguredByteOrder(int headerBytes, ByteOrder order, string header)
    {
        var codec = new LengthPrefixedCodec(headerBytes, order);

        Assert.Equal(Bytes.Concat(Bytes.Hex(header), Bytes.Ascii("hello")), Bytes.Encode(codec, "hello"));
    }

    [Fact]
    public void LengthPrefixedEncoderWritesMultiByteFieldsWithTheBytesInOrder()
    {
        // 0x0102 bytes tells the two byte orders apart where a length of 5 could not catch a mix-up of bytes.
        var payload = Bytes.Pattern(0x0102);

        var bigEndian = Bytes.Encode(new LengthPrefixedCodec(4, ByteOrder.BigEndian), [payload]);
        var littleEndian = Bytes.Encode(new LengthPrefixedCodec(4, ByteOrder.LittleEndian), [payload]);

        Assert.Equal(Bytes.Hex("00000102"), bigEndian[..4]);
        Assert.Equal(Bytes.Hex("02010000"), littleEndian[..4]);
    }

    [Fact]
    public void LengthPrefixedEncoderWritesZerosInTheOffsetBytes()
    {
        var codec = new LengthPrefixedCodec(2, lengthOffset: 3, lengthIncludesHeader: true);
        var writer = new ArrayBufferWriter<byte>();
        writer.GetSpan(16).Fill(0xEE);

        codec.WriteMessage(Bytes.Ascii("ab"), writer);

        Assert.Equal(Bytes.Concat(Bytes.Hex("000000 0007"), Bytes.Ascii("ab")), writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(1, 255)]
    [InlineData(2, 65535)]
    public void LengthPrefixedEncoderRejectsALengthTheFieldCannotHold(int headerBytes, int largest)
    {
        var codec = new LengthPrefixedCodec(headerBytes, maxFrameBytes: 100_000);

        Assert.True(codec.TryValidatePayload(new byte[largest], out _));
        Assert.False(codec.TryValidatePayload(new byte[largest + 1], out var error));
        Assert.Contains($"{headerBytes}-byte length field", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LengthPrefixedEncoderRejectsAPayloadThatWouldNeedANegativeField()
    {
        // With an adjustment of +3 the field is payload − 3, which is negative below 3 bytes.
        var codec = new LengthPrefixedCodec(1, lengthAdjustment: 3);

        Assert.False(codec.TryValidatePayload(Bytes.Ascii("ab"), out var error));
        Assert.Contains("value -1", error, StringComparison.Ordinal);
        Assert.True(codec.TryValidatePayload(Bytes.Ascii("abc"), out _));
    }

    private static ulong ReadField(ReadOnlySpan<byte> field, ByteOrder order)
    {
        ulong value = 0;
        for (var i = 0; i < field.Length; i++)
        {
            var b = order == ByteOrder.BigEndian ? field[i] : field[field.Length - 1 - i];
            value = (value << 8) | b;
        }

        // Cross-check the hand-rolled reader against the runtime's for the common size.
        if (field.Length == 4)
        {
            Assert.Equal(value, order == ByteOrder.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field));
        }

        return value;
    }
}
