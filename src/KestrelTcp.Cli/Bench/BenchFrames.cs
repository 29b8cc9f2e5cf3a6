using System.Buffers;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// The request frame, encoded once with the run's codec and repeated back to back in one block, so that
/// sending <c>n</c> frames is one write of the block's first <c>n × FrameLength</c> bytes: no encoding and
/// no copying per frame. Shared read-only by every connection.
/// </summary>
internal sealed class BenchFrames
{
    /// <summary>Largest block built; deeper pipelines of large frames are written a block at a time.</summary>
    private const int MaxBlockBytes = 1024 * 1024;

    private BenchFrames(byte[] block, int frameLength, int payloadLength, bool raw)
    {
        Block = block;
        FrameLength = frameLength;
        FramesPerBlock = block.Length / frameLength;
        PayloadLength = payloadLength;
        Raw = raw;
    }

    /// <summary><see cref="FramesPerBlock"/> copies of the encoded frame.</summary>
    public byte[] Block { get; }

    /// <summary>Bytes of one encoded frame, framing included.</summary>
    public int FrameLength { get; }

    /// <summary>Frames in <see cref="Block"/>: the most one write sends.</summary>
    public int FramesPerBlock { get; }

    /// <summary>Payload bytes per frame.</summary>
    public int PayloadLength { get; }

    /// <summary>Raw framing: replies have no boundaries, so every <see cref="PayloadLength"/> bytes received count as one reply.</summary>
    public bool Raw { get; }

    /// <summary>Encodes <paramref name="payload"/> with <paramref name="codec"/> and repeats it up to <paramref name="depth"/> times (within 1 MiB).</summary>
    public static BenchFrames Create(FrameCodec codec, ReadOnlySpan<byte> payload, int depth)
    {
        var one = new ArrayBufferWriter<byte>((int)codec.GetEncodedLength(payload.Length));
        codec.WriteMessage(payload, one);
        var frame = one.WrittenSpan;
        var copies = (int)Math.Clamp(Math.Min(depth, MaxBlockBytes / frame.Length), 1, depth);
        var block = new byte[frame.Length * copies];
        for (var i = 0; i < copies; i++)
        {
            frame.CopyTo(block.AsSpan(i * frame.Length));
        }

        return new BenchFrames(block, frame.Length, payload.Length, codec.Kind == FramingKind.Raw);
    }
}
