using Xunit.Abstractions;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>How a test stream reaches the codec.</summary>
public enum FeedKind
{
    /// <summary>All at once, one contiguous segment.</summary>
    Whole,

    /// <summary>All at once, as a multi-segment sequence with random (some empty) segments.</summary>
    SegmentedAtOnce,

    /// <summary>One byte per read; the unconsumed buffer has one segment per byte.</summary>
    OneByteAtATime,

    /// <summary>Reads of random sizes; each read is a segment.</summary>
    RandomSplits,

    /// <summary>Through a real Pipe and ProtocolReader, written in one flush.</summary>
    PipeWhole,

    /// <summary>Through a real Pipe with 3-byte memory blocks and ProtocolReader, one byte per flush.</summary>
    PipeOneByteAtATime,

    /// <summary>Through a real Pipe with 7-byte memory blocks and ProtocolReader, random flush sizes.</summary>
    PipeRandomSplits,
}

/// <summary>A way of feeding a stream to a codec; theory data for <see cref="AllFeedsAttribute"/>.</summary>
public sealed class Feed : IXunitSerializable
{
    /// <summary>For the xunit deserializer.</summary>
    public Feed()
    {
    }

    public Feed(FeedKind kind, int seed = 0)
    {
        Kind = kind;
        Seed = seed;
    }

    public FeedKind Kind { get; private set; }

    public int Seed { get; private set; }

    /// <summary>Every feed: whole, byte by byte and random splits with fixed seeds, in memory and through a pipe.</summary>
    public static IReadOnlyList<Feed> All { get; } =
    [
        new(FeedKind.Whole),
        new(FeedKind.SegmentedAtOnce, 1),
        new(FeedKind.SegmentedAtOnce, 2),
        new(FeedKind.OneByteAtATime),
        new(FeedKind.RandomSplits, 1),
        new(FeedKind.RandomSplits, 2),
        new(FeedKind.RandomSplits, 3),
        new(FeedKind.PipeWhole),
        new(FeedKind.PipeOneByteAtATime),
        new(FeedKind.PipeRandomSplits, 4),
        new(FeedKind.PipeRandomSplits, 5),
    ];

    /// <summary>Decodes <paramref name="stream"/>; with <paramref name="endOfStream"/> the stream
    /// then ends (so leftover bytes are a truncated frame), otherwise it stays open.</summary>
    internal Task<Decoded> DecodeAsync(FrameCodec codec, byte[] stream, bool endOfStream = true) => Kind switch
    {
        FeedKind.Whole => Task.FromResult(FrameDecoder.DecodeBuffer(codec, new(stream), endOfStream)),
        FeedKind.SegmentedAtOnce => Task.FromResult(FrameDecoder.DecodeBuffer(codec, Sequences.RandomSegments(stream, Seed), endOfStream)),
        FeedKind.OneByteAtATime => Task.FromResult(FrameDecoder.DecodeArrivals(codec, Chunks.OneByteAtATime(stream), endOfStream)),
        FeedKind.RandomSplits => Task.FromResult(FrameDecoder.DecodeArrivals(codec, Chunks.Random(stream, Seed), endOfStream)),
        FeedKind.PipeWhole => FrameDecoder.DecodeThroughPipeAsync(codec, Chunks.Whole(stream), blockSize: null, endOfStream),
        FeedKind.PipeOneByteAtATime => FrameDecoder.DecodeThroughPipeAsync(codec, Chunks.OneByteAtATime(stream), blockSize: 3, endOfStream),
        FeedKind.PipeRandomSplits => FrameDecoder.DecodeThroughPipeAsync(codec, Chunks.Random(stream, Seed), blockSize: 7, endOfStream),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    public void Deserialize(IXunitSerializationInfo info)
    {
        Kind = info.GetValue<FeedKind>(nameof(Kind));
        Seed = info.GetValue<int>(nameof(Seed));
    }

    public void Serialize(IXunitSerializationInfo info)
    {
        info.AddValue(nameof(Kind), Kind);
        info.AddValue(nameof(Seed), Seed);
    }

    public override string ToString() => Seed == 0 ? Kind.ToString() : $"{Kind}(seed {Seed})";
}
