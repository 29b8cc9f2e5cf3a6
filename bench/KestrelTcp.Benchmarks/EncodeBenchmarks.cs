using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using KestrelTcp.Protocols;

namespace KestrelTcp.Benchmarks;

/// <summary>
/// Encodes <see cref="Codecs.Frames"/> payloads into a reused <see cref="IBufferWriter{T}"/>; each
/// result is the cost of one frame, validation included. The payload is a span, or (Segmented) a
/// four-segment sequence, as a relayed frame can be. The baseline writes a 4-byte length by hand.
/// </summary>
[MemoryDiagnoser]
public class EncodeBenchmarks
{
    private ArrayBufferWriter<byte> _writer = null!;
    private byte[] _payload = [];
    private ReadOnlySequence<byte> _segmentedPayload;
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
        _payload = Codecs.Payload(PayloadBytes);
        // Four segments whatever the size, so the sequence path is always the multi-segment one.
        _segmentedPayload = Segments.Create(_payload, Layout.Segmented, segmentBytes: PayloadBytes / 4);
        if (_segmentedPayload.IsSingleSegment)
        {
            throw new InvalidOperationException("The segmented payload has one segment.");
        }

        _writer = new ArrayBufferWriter<byte>(Codecs.Frames * (PayloadBytes + 8));
        _raw = Codecs.Raw(PayloadBytes);
        _line = Codecs.Line();
        _delimiter = Codecs.Delimiter();
        _crLf = Codecs.DelimiterCrLf();
        _lengthPrefixed = Codecs.LengthPrefixed();
        _fixed = Codecs.Fixed(PayloadBytes);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Codecs.Frames)]
    public int HandWrittenLengthPrefix()
    {
        _writer.ResetWrittenCount();
        for (var i = 0; i < Codecs.Frames; i++)
        {
            var span = _writer.GetSpan(4 + _payload.Length);
            BinaryPrimitives.WriteInt32BigEndian(span, _payload.Length);
            _payload.CopyTo(span[4..]);
            _writer.Advance(4 + _payload.Length);
        }

        return _writer.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public int Raw() => Encode(_raw);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public int Line() => Encode(_line);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public int Delimiter7E() => Encode(_delimiter);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public int DelimiterCrLf() => Encode(_crLf);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public int LengthPrefixed() => Encode(_lengthPrefixed);

    [Benchmark(OperationsPerInvoke = Codecs.Frames)]
    public int Fixed() => Encode(_fixed);

    private int Encode(FrameCodec codec)
    {
        _writer.ResetWrittenCount();
        if (Input == Layout.Contiguous)
        {
            for (var i = 0; i < Codecs.Frames; i++)
            {
                codec.WriteMessage(_payload, _writer);
            }
        }
        else
        {
            for (var i = 0; i < Codecs.Frames; i++)
            {
                codec.WriteMessage(_segmentedPayload, _writer);
            }
        }

        return _writer.WrittenCount;
    }
}
