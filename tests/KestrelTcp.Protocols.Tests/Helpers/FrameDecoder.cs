using System.Buffers;
using System.IO.Pipelines;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// Drives a codec over a stream the way a connection would, checking the parser contract on every
/// call: when no frame is complete, <c>consumed</c> is left alone and <c>examined</c> is the end of
/// the input; when one is, <c>consumed</c> = <c>examined</c> and the parser made progress.
/// </summary>
internal static class FrameDecoder
{
    /// <summary>A position no parser can produce: a parser that touches <c>consumed</c> without
    /// returning a frame is caught.</summary>
    private static readonly SequencePosition Untouched = new(new object(), 12345);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Parses every frame in <paramref name="buffer"/> (all of it already received).</summary>
    public static Decoded DecodeBuffer(FrameCodec codec, ReadOnlySequence<byte> buffer, bool endOfStream = true)
    {
        var frames = new List<byte[]>();
        try
        {
            var consumed = ParseAvailable(codec, buffer, frames);
            if (endOfStream)
            {
                codec.ThrowIfTruncated(buffer.Slice(consumed));
            }
        }
        catch (FramingException e)
        {
            return new Decoded(frames, e, Sequences.SegmentCount(buffer));
        }

        return new Decoded(frames, null, Sequences.SegmentCount(buffer));
    }

    /// <summary>
    /// Delivers <paramref name="arrivals"/> one at a time; each arrival becomes a new segment of the
    /// unconsumed buffer, which is parsed after every arrival, as a read loop would.
    /// </summary>
    public static Decoded DecodeArrivals(FrameCodec codec, IEnumerable<byte[]> arrivals, bool endOfStream = true)
    {
        var frames = new List<byte[]>();
        BufferSegment? head = null;
        var headIndex = 0;
        BufferSegment? tail = null;
        var maxSegments = 0;
        var buffer = ReadOnlySequence<byte>.Empty;
        try
        {
            foreach (var arrival in arrivals)
            {
                var segment = Sequences.FromSegments(arrival);
                var memory = segment.First;
                if (tail is null)
                {
                    head = tail = new BufferSegment(memory);
                    headIndex = 0;
                }
                else
                {
                    tail = tail.Append(memory);
                }

                buffer = new ReadOnlySequence<byte>(head!, headIndex, tail, tail.Memory.Length);
                maxSegments = Math.Max(maxSegments, Sequences.SegmentCount(buffer));
                var consumed = ParseAvailable(codec, buffer, frames);

                // Keep only what was not consumed, as a pipe would.
                buffer = buffer.Slice(consumed);
                if (buffer.IsEmpty)
                {
                    head = tail = null;
                }
                else
                {
                    head = (BufferSegment)buffer.Start.GetObject()!;
                    headIndex = buffer.Start.GetInteger();
                }
            }

            if (endOfStream)
            {
                codec.ThrowIfTruncated(buffer);
            }
        }
        catch (FramingException e)
        {
            return new Decoded(frames, e, maxSegments);
        }

        return new Decoded(frames, null, maxSegments);
    }

    /// <summary>
    /// Writes <paramref name="arrivals"/> into a real <see cref="Pipe"/>, one flush each, and reads
    /// frames back with <see cref="ProtocolReader{TMessage}"/>. Inline schedulers make the reader
    /// run inside each flush, so the interleaving is the same on every run. With
    /// <paramref name="blockSize"/>, the pipe's memory comes in blocks of that size.
    /// </summary>
    public static Task<Decoded> DecodeThroughPipeAsync(FrameCodec codec, IEnumerable<byte[]> arrivals, int? blockSize, bool endOfStream = true) =>
        OffTestContext.RunAsync(() => PipeDecodeAsync(codec, arrivals, blockSize, endOfStream));

    private static async Task<Decoded> PipeDecodeAsync(FrameCodec codec, IEnumerable<byte[]> arrivals, int? blockSize, bool endOfStream)
    {
        var pool = blockSize is { } size ? new SmallBlockMemoryPool(size) : MemoryPool<byte>.Shared;
        var pipe = new Pipe(new PipeOptions(
            pool: pool,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0,
            resumeWriterThreshold: 0,
            minimumSegmentSize: blockSize ?? 4096,
            useSynchronizationContext: false));
        var recorder = new RecordingPipeReader(pipe.Reader);
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(recorder, codec);
        var frames = new List<byte[]>();
        var pending = reader.ReadAsync().AsTask();
        try
        {
            foreach (var arrival in arrivals)
            {
                if (!Collect(ref pending, reader, frames))
                {
                    throw new InvalidOperationException("The reader reported the end of the stream before it ended.");
                }

                await pipe.Writer.WriteAsync(arrival).AsTask().WaitAsync(Timeout);
            }

            if (!Collect(ref pending, reader, frames))
            {
                throw new InvalidOperationException("The reader reported the end of the stream before it ended.");
            }

            if (endOfStream)
            {
                await pipe.Writer.CompleteAsync();
                while (true)
                {
                    var result = await pending.WaitAsync(Timeout);
                    if (result.IsCompleted)
                    {
                        break;
                    }

                    frames.Add(result.Message.ToArray());
                    pending = reader.ReadAsync().AsTask();
                }
            }
            else
            {
                // The stream stays open: a reader still waiting here has found no error so far.
                pipe.Reader.CancelPendingRead();
                var result = await pending.WaitAsync(Timeout);
                Assert.True(result.IsCanceled, "The reader returned a frame that had not been collected.");
            }
        }
        catch (FramingException e)
        {
            return new Decoded(frames, e, recorder.MaxSegments);
        }
        finally
        {
            await pipe.Writer.CompleteAsync();
            await pipe.Reader.CompleteAsync();
        }

        return new Decoded(frames, null, recorder.MaxSegments);
    }

    /// <summary>Collects reads that already finished; false when the reader reported the end of the stream.</summary>
    private static bool Collect(ref Task<ProtocolReadResult<ReadOnlySequence<byte>>> pending, ProtocolReader<ReadOnlySequence<byte>> reader, List<byte[]> frames)
    {
        while (pending.IsCompleted)
        {
            // Rethrows the FramingException of a faulted read.
            var result = pending.GetAwaiter().GetResult();
            if (result.IsCompleted || result.IsCanceled)
            {
                return false;
            }

            frames.Add(result.Message.ToArray());
            pending = reader.ReadAsync().AsTask();
        }

        return true;
    }

    /// <summary>Parses frames until none is complete; returns the bytes consumed.</summary>
    private static long ParseAvailable(FrameCodec codec, ReadOnlySequence<byte> buffer, List<byte[]> frames)
    {
        var remaining = buffer;
        while (true)
        {
            var consumed = Untouched;
            var examined = Untouched;
            if (!codec.TryParseMessage(remaining, ref consumed, ref examined, out var message))
            {
                Assert.Equal(Untouched, consumed);
                Assert.NotEqual(Untouched, examined);
                Assert.True(remaining.Slice(examined).IsEmpty, "examined must be the end of the input when no frame is complete.");
                return buffer.Length - remaining.Length;
            }

            Assert.NotEqual(Untouched, consumed);
            var rest = remaining.Slice(consumed);
            Assert.Equal(rest.Length, remaining.Slice(examined).Length);
            Assert.True(rest.Length < remaining.Length, "A parsed frame must consume at least one byte.");
            Assert.True(remaining.Slice(message.End).Length >= rest.Length, "The frame must lie within the consumed bytes.");
            frames.Add(message.ToArray());
            remaining = rest;
        }
    }
}
