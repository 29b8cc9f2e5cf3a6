using System.Buffers;
using KestrelTcp.Protocols;

namespace KestrelTcp.Fuzz;

/// <summary>
/// The fuzzing check, shared by the afl++ harness and the replay test. An input whose first byte has
/// <see cref="ProxyHeaderFuzzTarget.Selector"/> in its low four bits goes to the PROXY header reader's check
/// (<see cref="ProxyHeaderFuzzTarget"/>); any other input is
/// <c>[kind][parameters][split seed][stream...]</c>: the low four bits of the first byte pick the codec (the high four, minus 8,
/// are a length prefix's adjustment), the second its parameters, the third how the stream is cut into reads.
/// The stream is decoded whole, in the cut reads (each read a new segment of a multi-segment buffer)
/// and with the span parser; only <see cref="FramingException"/> may come out of a decoder, every frame
/// must fit <see cref="FrameCodec.MaxFrameBytes"/>, no decoder may hold more than one frame's worth of
/// bytes while waiting, and the three decodings must agree. A broken rule throws
/// <see cref="InvalidOperationException"/>, which afl records as a crash.
/// </summary>
internal static class FuzzTarget
{
    /// <summary>Bytes before the stream: kind, parameters, split seed.</summary>
    public const int HeaderLength = 3;

    private static readonly byte[][] Delimiters = [[0x7E], [0x0D, 0x0A], [0x7E, 0x7E], [0x7E, 0x00, 0x7E], [0x00]];

    /// <summary>Runs the check on one input; returns quietly when every rule held.</summary>
    /// <exception cref="InvalidOperationException">A rule was broken (a finding).</exception>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (!input.IsEmpty && (input[0] & 0x0F) == ProxyHeaderFuzzTarget.Selector)
        {
            ProxyHeaderFuzzTarget.Run(input[1..]);
            return;
        }

        if (input.Length < HeaderLength)
        {
            return;
        }

        var codec = CreateCodec(input[0], input[1]);
        var stream = input[HeaderLength..].ToArray();
        var whole = Decode(codec, [stream]);
        var split = Decode(codec, Cut(stream, input[2]));
        var span = DecodeWithSpanParser(codec, stream);
        if (codec is RawCodec)
        {
            // Raw frames are the reads themselves: only the bytes must agree.
            Expect(whole.Frames.SelectMany(f => f).SequenceEqual(split.Frames.SelectMany(f => f)), codec, "split reads gave other bytes than one read");
            return;
        }

        Expect(Same(whole, split), codec, $"split reads disagree with one read: {Describe(whole)} vs {Describe(split)}");
        Expect(Same(whole, span), codec, $"the span parser disagrees with the sequence parser: {Describe(span)} vs {Describe(whole)}");
    }

    /// <summary>The codec that <paramref name="kind"/> and <paramref name="parameters"/> select.</summary>
    public static FrameCodec CreateCodec(byte kind, byte parameters)
    {
        var max = 1 + (parameters % 64);
        return ((kind & 0x0F) % 5) switch
        {
            0 => new RawCodec(max),
            1 => new LineCodec(max),
            2 => new DelimiterCodec(Delimiters[parameters % Delimiters.Length], 1 + (parameters >> 3)),
            3 => new LengthPrefixedCodec(
                headerBytes: (parameters & 3) switch { 0 => 1, 1 => 2, 2 => 4, _ => 8 },
                byteOrder: (parameters & 4) == 0 ? ByteOrder.BigEndian : ByteOrder.LittleEndian,
                lengthOffset: (parameters >> 3) & 3,
                lengthAdjustment: (kind >> 4) - 8,
                lengthIncludesHeader: (parameters & 32) != 0,
                maxFrameBytes: (parameters & 64) == 0 ? 48 : 300),
            _ => new FixedCodec(1 + (parameters % 16)),
        };
    }

    /// <summary>Cuts <paramref name="stream"/> into reads of 1 to 16 bytes, some empty, from <paramref name="seed"/>.</summary>
    public static List<byte[]> Cut(byte[] stream, int seed)
    {
        var random = new Random(seed);
        var reads = new List<byte[]>();
        var offset = 0;
        while (offset < stream.Length)
        {
            var size = Math.Min(random.Next(0, 17), stream.Length - offset);
            reads.Add(stream.AsSpan(offset, size).ToArray());
            offset += size;
        }

        return reads;
    }

    /// <summary>
    /// Decodes <paramref name="reads"/> as a read loop does: each read is appended as a segment of its own
    /// to what is still unconsumed, and every whole frame is parsed before the next read.
    /// </summary>
    public static Outcome Decode(FrameCodec codec, IReadOnlyList<byte[]> reads)
    {
        var frames = new List<byte[]>();
        var pending = new List<byte[]>();
        var waitingBound = (long)codec.MaxFrameBytes + codec.FramingOverhead + 1;
        try
        {
            foreach (var read in reads)
            {
                pending.Add(read);
                var buffer = Chain(pending);
                while (true)
                {
                    var consumed = buffer.Start;
                    var examined = buffer.Start;
                    if (!codec.TryParseMessage(buffer, ref consumed, ref examined, out var frame))
                    {
                        Expect(consumed.Equals(buffer.Start), codec, "consumed moved without a frame");
                        Expect(buffer.Length <= waitingBound, codec, $"waits holding {buffer.Length} bytes, more than a frame of {codec.MaxFrameBytes} bytes needs");
                        break;
                    }

                    Expect(frame.Length <= codec.MaxFrameBytes, codec, $"gave a frame of {frame.Length} bytes, over the maximum of {codec.MaxFrameBytes}");
                    var rest = buffer.Slice(consumed);
                    Expect(rest.Length < buffer.Length, codec, "gave a frame without consuming anything");
                    frames.Add(frame.ToArray());
                    buffer = rest;
                }

                pending = buffer.IsEmpty ? [] : [buffer.ToArray()];
            }

            codec.ThrowIfTruncated(Chain(pending));
        }
        catch (FramingException e)
        {
            return new Outcome(frames, e.Error);
        }

        return new Outcome(frames, null);
    }

    /// <summary>Decodes with <see cref="FrameCodec.TryParseFrame"/>, falling back to the sequence parser when it declines, as the server does.</summary>
    public static Outcome DecodeWithSpanParser(FrameCodec codec, byte[] stream)
    {
        var frames = new List<byte[]>();
        var offset = 0;
        try
        {
            while (offset < stream.Length)
            {
                var rest = stream.AsSpan(offset);
                if (codec.TryParseFrame(rest, out var payloadOffset, out var payloadLength, out var frameLength))
                {
                    Expect(frameLength > 0 && frameLength <= rest.Length && payloadOffset >= 0 && payloadOffset + payloadLength <= frameLength, codec, "the span parser gave a frame outside its input");
                    frames.Add(rest.Slice(payloadOffset, payloadLength).ToArray());
                    offset += frameLength;
                    continue;
                }

                var buffer = new ReadOnlySequence<byte>(stream, offset, stream.Length - offset);
                var consumed = buffer.Start;
                var examined = buffer.Start;
                if (!codec.TryParseMessage(buffer, ref consumed, ref examined, out var frame))
                {
                    codec.ThrowIfTruncated(buffer);
                    break;
                }

                frames.Add(frame.ToArray());
                offset += (int)buffer.Slice(0, consumed).Length;
            }
        }
        catch (FramingException e)
        {
            return new Outcome(frames, e.Error);
        }

        return new Outcome(frames, null);
    }

    private static bool Same(Outcome a, Outcome b) =>
        a.Error == b.Error && a.Frames.Count == b.Frames.Count && a.Frames.Zip(b.Frames).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    private static string Describe(Outcome outcome) => $"{outcome.Frames.Count} frames, error {outcome.Error?.ToString() ?? "none"}";

    private static void Expect(bool condition, FrameCodec codec, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{codec.GetType().Name} (max {codec.MaxFrameBytes}): {what}.");
        }
    }

    /// <summary>The reads as one multi-segment sequence, a segment each.</summary>
    public static ReadOnlySequence<byte> Chain(List<byte[]> parts)
    {
        if (parts.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Count; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>What a decoding gave: the frames, and the error that stopped it, if any.</summary>
    internal sealed record Outcome(List<byte[]> Frames, FramingError? Error);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
