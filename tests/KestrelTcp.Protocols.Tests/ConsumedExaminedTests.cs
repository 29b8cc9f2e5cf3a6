using System.Buffers;
using KestrelTcp.Protocols.Tests.Helpers;

namespace KestrelTcp.Protocols.Tests;

/// <summary>
/// The parser contract a read loop relies on: with no whole frame, consumed stays where it was and
/// examined is the end of the input (so the pipe waits for more bytes instead of spinning); with a
/// frame, both are the end of that frame (so the bytes after it are parsed next).
/// </summary>
public sealed class ConsumedExaminedTests
{
    private static readonly object Marker = new();

    public static TheoryData<string, string> IncompleteInputs() => new()
    {
        { "Raw", "" },
        { "Line", "" },
        { "Line", "61 62 63" },
        { "Line", "61 62 0D" },
        { "Delimiter", "61 62 0D" },
        { "LengthPrefixed", "00 00 00" },
        { "LengthPrefixed", "00 00 00 03 61 62" },
        { "Fixed", "61 62 63" },
    };

    [Theory]
    [MemberData(nameof(IncompleteInputs))]
    public void IncompleteInputLeavesConsumedAloneAndExaminesToTheEnd(string kind, string hex)
    {
        var bytes = Bytes.Hex(hex);
        foreach (var input in new[] { new ReadOnlySequence<byte>(bytes), Sequences.OneBytePerSegment(bytes) })
        {
            var consumed = new SequencePosition(Marker, 42);
            var examined = new SequencePosition(Marker, 43);

            var parsed = Create(kind).TryParseMessage(input, ref consumed, ref examined, out _);

            Assert.False(parsed);
            Assert.Equal(new SequencePosition(Marker, 42), consumed);
            Assert.Equal(input.End, examined);
        }
    }

    public static TheoryData<string, string, int> CompleteInputs() => new()
    {
        { "Raw", "61 62 63", 3 },
        { "Line", "61 0D 0A 62 0A", 3 },
        { "Delimiter", "61 0D 0A 62 0D", 3 },
        { "LengthPrefixed", "00 00 00 01 61 00 00", 5 },
        { "Fixed", "61 62 63 64 65", 4 },
    };

    [Theory]
    [MemberData(nameof(CompleteInputs))]
    public void ACompleteFrameMovesConsumedAndExaminedToItsEndOnly(string kind, string hex, int frameLength)
    {
        var bytes = Bytes.Hex(hex);
        foreach (var input in new[] { new ReadOnlySequence<byte>(bytes), Sequences.OneBytePerSegment(bytes) })
        {
            var consumed = new SequencePosition(Marker, 42);
            var examined = new SequencePosition(Marker, 43);

            var parsed = Create(kind).TryParseMessage(input, ref consumed, ref examined, out _);

            Assert.True(parsed);
            Assert.Equal(frameLength, input.Slice(input.Start, consumed).Length);
            Assert.Equal(frameLength, input.Slice(input.Start, examined).Length);
        }
    }

    private static FrameCodec Create(string kind) => kind switch
    {
        "Raw" => new RawCodec(),
        "Line" => new LineCodec(),
        "Delimiter" => new DelimiterCodec(Bytes.Hex("0D0A")),
        "LengthPrefixed" => new LengthPrefixedCodec(),
        _ => new FixedCodec(4),
    };
}
