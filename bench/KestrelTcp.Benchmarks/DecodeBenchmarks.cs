using System.Buffers;
using BenchmarkDotNet.Attributes;
using KestrelTcp.Protocols;

namespace KestrelTcp.Benchmarks;

/// <summary>
/// Decodes <see cref="Codecs.Frames"/> frames from a prepared buffer; each result is the cost of one
/// frame. The baseline is a hand-written 4-byte length-prefix loop, what a bare Kestrel echo does.
/// Every decoder must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private ReadOnlySequence<byte> _rawInput;
    private ReadOnlySequence<byte> _lineInput;
    private ReadOnlySequence<byte> _delimiterInput;
    private ReadOnlySequence<byte> _crLfInput;
    private ReadOnlySequence<byte> _lengthPrefixedInput;
    private ReadOnlySequence<byte> _fixedInput;
    private FrameCodec _raw = null!;
    private FrameCodec _line = null!;
    private FrameCodec _delimiter = null!;
    private FrameCodec _crLf = null!;
    private FrameCodec _lengthPrefixed = null!;
    private FrameCodec _fixed = null!;

    [Params(64, 1024)]
    public int PayloadBytes { get; set; }

    [Params(Layout.Contiguous, Layout.Segmented)]
    public Layout Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _raw = Codecs.Raw(PayloadBytes);
        _line = Codecs.Line();
        _delimiter = Codecs.Delimiter();
        _crLf = Codecs.DelimiterCrLf();
        _lengthPrefixed = Codecs.LengthPrefixed();
        _fixed = Codecs.Fixed(PayloadBytes);
        _rawInput = Prepare(_raw);
        _lineInput = Prepare(_line);
        _delimiterInput = Prepare(_delimiter);
        _crLfInput = Prepare(_crLf);
        _lengthPrefixedInput = Prepare(_lengthPrefixed);
        _fixedInput = Prepare(_fixed);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Codecs.Frames)]
    public long HandWrittenLengthPrefix()
    {
        var reader = new SequenceReader<byte>(_lengthPrefixedInput);
        long total = 0;
        while (reader.TryReadBigEndian(out int length) && reader.Remaining >= length)
        {
            var frame = reader.UnreadSequence.Slice(0, length);
            total += frame.Length;
            reader.Advance(length);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public long Raw() => Decode(_raw, _rawInput);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public long Line() => Decode(_line, _lineInput);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public long Delimiter7E() => Decode(_delimiter, _delimiterInput);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public long DelimiterCrLf() => Decode(_crLf, _crLfInput);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public long LengthPrefixed() => Decode(_lengthPrefixed, _lengthPrefixedInput);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public long Fixed() => Decode(_fixed, _fixedInput);

    /// <summary>The read loop of a session: whole frames inside the first segment from a span
    /// (<see cref="FrameCodec.TryParseFrame"/>), a frame that straddles segments (or a codec without a
    /// span parser) from the sequence; move past each.</summary>
    private static long Decode(FrameCodec codec, ReadOnlySequence<byte> buffer)
    {
        long total = 0;
        var consumed = buffer.Start;
        var examined = buffer.Start;
        while (true)
        {
            var span = buffer.FirstSpan;
            var offset = 0;
            while (codec.TryParseFrame(span[offset..], out _, out var payloadLength, out var frameLength))
            {
                total += payloadLength;
                offset += frameLength;
            }

            if (offset > 0)
            {
                buffer = buffer.Slice(offset);
                consumed = buffer.Start;
            }

            if (!codec.TryParseMessage(buffer, ref consumed, ref examined, out var frame))
            {
                return total;
            }

            total += frame.Length;
            buffer = buffer.Slice(consumed);
        }
    }

    private ReadOnlySequence<byte> Prepare(FrameCodec codec)
    {
        var writer = new ArrayBufferWriter<byte>();
        var payload = Codecs.Payload(PayloadBytes);
        for (var i = 0; i < Codecs.Frames; i++)
        {
            codec.WriteMessage(payload, writer);
        }

        var input = Segments.Create(writer.WrittenSpan.ToArray(), Input);

        // A benchmark that decodes the wrong thing measures nothing: check the frame count once.
        var frames = 0;
        var buffer = input;
        SequencePosition consumed = buffer.Start, examined = buffer.Start;
        while (codec.TryParseMessage(buffer, ref consumed, ref examined, out var frame))
        {
            frames += frame.Length == PayloadBytes ? 1 : throw new InvalidOperationException($"{codec.Kind} decoded a {frame.Length}-byte frame.");
            buffer = buffer.Slice(consumed);
        }

        return frames == Codecs.Frames && buffer.IsEmpty
            ? input
            : throw new InvalidOperationException($"{codec.Kind} decoded {frames} frames, not {Codecs.Frames}.");
    }
}
