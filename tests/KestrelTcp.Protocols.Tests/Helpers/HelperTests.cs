using System.Buffers;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>The helpers must really produce what the codec tests rely on, or those tests prove little.</summary>
public sealed class HelperTests
{
    [Fact]
    public void SegmentedSequencesHaveOneSegmentPerPieceAndTheSameBytes()
    {
        var data = Bytes.Pattern(10);

        var split = Sequences.Split(data, 3, 0, 4);
        var bytewise = Sequences.OneBytePerSegment(data);

        Assert.Equal(4, Sequences.SegmentCount(split));
        Assert.Equal(10, Sequences.SegmentCount(bytewise));
        Assert.Equal(data, split.ToArray());
        Assert.Equal(data, bytewise.ToArray());
    }

    [Fact]
    public void RandomSegmentsAreRepeatableAndIncludeEmptySegments()
    {
        var data = Bytes.Pattern(500);

        var first = Sequences.RandomSegments(data, 1);
        var again = Sequences.RandomSegments(data, 1);

        Assert.Equal(data, first.ToArray());
        Assert.Equal(Sequences.SegmentCount(first), Sequences.SegmentCount(again));
        Assert.True(Sequences.SegmentCount(first) > 10);
        var empty = 0;
        foreach (var segment in first)
        {
            empty += segment.IsEmpty ? 1 : 0;
        }

        Assert.True(empty > 0);
    }

    [Fact]
    public void SegmentsAreSurroundedByFillerOutsideTheirBounds()
    {
        var sequence = Sequences.FromSegments(Bytes.Ascii("ab"));

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(sequence.First, out var array));
        Assert.Equal(Sequences.Filler, array.Array![array.Offset - 1]);
        Assert.Equal(Sequences.Filler, array.Array[array.Offset + array.Count]);
    }

    [Fact]
    public void RandomChunksCoverTheStreamInOrder()
    {
        var data = Bytes.Pattern(1000);

        var chunks = Chunks.Random(data, 3);

        Assert.Equal(data, chunks.SelectMany(c => c).ToArray());
        Assert.True(chunks.Count > 20);
        Assert.Contains(chunks, c => c.Length == 1);
    }

    [Theory]
    [InlineData(FeedKind.OneByteAtATime)]
    [InlineData(FeedKind.PipeOneByteAtATime)]
    [InlineData(FeedKind.PipeRandomSplits)]
    public async Task IncrementalFeedsHandTheCodecMultiSegmentBuffers(FeedKind kind)
    {
        var codec = new FixedCodec(40);
        var stream = Bytes.Pattern(80);

        var decoded = await new Feed(kind, 4).DecodeAsync(codec, stream);

        Assert.Equal(2, decoded.Success().Count);
        Assert.True(decoded.MaxSegments > 5, $"only {decoded.MaxSegments} segments");
    }

    [Fact]
    public async Task PipeFeedDeliversEachFlushSeparately()
    {
        // Raw frames are exactly what each read returns, so this shows the lock-step interleaving.
        var codec = new RawCodec();
        var arrivals = new[] { Bytes.Ascii("abc"), Bytes.Ascii("de"), Bytes.Ascii("f") };

        var decoded = await FrameDecoder.DecodeThroughPipeAsync(codec, arrivals, blockSize: null);

        Assert.Equal(["abc", "de", "f"], decoded.Texts);
    }

    [Fact]
    public void DecoderCatchesAParserThatReportsNoProgress()
    {
        var decoded = Record.Exception(() => FrameDecoder.DecodeBuffer(new StuckCodec(), new ReadOnlySequence<byte>(Bytes.Ascii("x"))));

        Assert.NotNull(decoded);
    }

    [Fact]
    public void StingyWriterGivesExactlyTheRequestedSize()
    {
        var writer = new StingyBufferWriter();

        Assert.Equal(1, writer.GetSpan().Length);
        writer.Advance(0);
        Assert.Equal(7, writer.GetSpan(7).Length);
        Assert.Throws<InvalidOperationException>(() => writer.Advance(8));
    }

    /// <summary>Returns an empty frame without consuming anything: a broken parser.</summary>
    private sealed class StuckCodec : FrameCodec
    {
        public StuckCodec()
            : base(10)
        {
        }

        public override FramingKind Kind => FramingKind.Raw;

        public override bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
        {
            consumed = input.Start;
            examined = input.Start;
            message = default;
            return true;
        }
    }
}
