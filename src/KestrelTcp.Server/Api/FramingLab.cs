using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>
/// Runs bytes through a framing's real codec the way a session's read loop does: each read is written to
/// a pipe, the loop parses every whole frame from the first contiguous span with
/// <see cref="FrameCodec.TryParseFrame"/>, falls back to <see cref="FrameCodec.TryParseMessage"/>, and
/// advances past what it consumed, so a frame split across reads is seen exactly as a listener sees it.
/// Nothing is sent anywhere; the lab costs one request's worth of memory, bounded by the limits below.
/// </summary>
internal static class FramingLab
{
    /// <summary>Most input bytes, once decoded from text, hex or base64: 64 KiB (a screenful of device traffic, a bounded request).</summary>
    public const int MaxInputBytes = 64 * 1024;

    /// <summary>Most frames returned in one answer: 1,000; more are counted, and the answer says it was truncated.</summary>
    public const int MaxFrames = 1000;

    /// <summary>Most reads the input may be split into (<c>chunks</c> or <c>splitAt</c> entries): 1,000.</summary>
    public const int MaxChunks = 1000;

    /// <summary>Largest request body: 512 KiB, room for <see cref="MaxInputBytes"/> as spaced hex.</summary>
    public const long MaxBodyBytes = 512 * 1024;

    /// <summary>Decodes <paramref name="input"/> fed as reads of <paramref name="readSizes"/> bytes (the rest as one last read).</summary>
    public static async Task<FramingTestResponse> DecodeAsync(FramingOptions framing, byte[] input, IReadOnlyList<int> readSizes, bool endOfStream, int maxFrames = MaxFrames)
    {
        var codec = framing.CreateCodec();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        var frames = new List<LabFrame>();
        var frameCount = 0;
        long position = 0;
        var reads = SplitReads(input.Length, readSizes);
        LabError? error = null;
        var written = 0;
        for (var read = 0; read < reads.Count && error is null; read++)
        {
            pipe.Writer.Write(input.AsSpan(written, reads[read]));
            written += reads[read];
            await pipe.Writer.FlushAsync().ConfigureAwait(false);
            var last = read == reads.Count - 1;
            if (last && endOfStream)
            {
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }

            if (!pipe.Reader.TryRead(out var result))
            {
                continue;
            }

            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            var remaining = buffer;
            var start = position;

            // Frames parsed from the current span, not yet sliced off remaining (where an error is, when the span parser throws).
            var offset = 0;
            try
            {
                while (true)
                {
                    // The read loop's span fast path: whole frames inside the first segment.
                    var span = remaining.FirstSpan;
                    offset = 0;
                    while (codec.TryParseFrame(span[offset..], out var payloadOffset, out var payloadLength, out var frameLength))
                    {
                        Add(span.Slice(offset + payloadOffset, payloadLength), start + (buffer.Length - remaining.Length) + offset, frameLength, payloadOffset, read);
                        offset += frameLength;
                    }

                    if (offset > 0)
                    {
                        remaining = remaining.Slice(offset);
                        consumed = remaining.Start;
                        offset = 0;
                    }

                    var frameStart = start + (buffer.Length - remaining.Length);
                    if (!codec.TryParseMessage(remaining, ref consumed, ref examined, out var frame))
                    {
                        break;
                    }

                    var after = buffer.Slice(consumed);
                    var headerBytes = remaining.Slice(remaining.Start, frame.Start).Length;
                    Add(frame.IsSingleSegment ? frame.FirstSpan : frame.ToArray(), frameStart, remaining.Length - after.Length, headerBytes, read);
                    remaining = after;
                }

                if (result.IsCompleted)
                {
                    codec.ThrowIfTruncated(remaining);
                }
            }
            catch (FramingException ex)
            {
                var reason = ex.Error == FramingError.FrameTooLarge ? CloseReason.FrameTooLarge : CloseReason.InvalidFrame;
                error = new LabError(ex.Error, ex.Message, start + (buffer.Length - remaining.Length) + offset, read, reason);
            }

            position = start + (buffer.Length - remaining.Length) + offset;
            pipe.Reader.AdvanceTo(consumed, examined);
        }

        await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        var remainder = input.AsSpan((int)position);
        return new FramingTestResponse(
            framing,
            framing.ToString(),
            input.Length,
            reads.Count,
            frameCount,
            [.. frames],
            frameCount > frames.Count,
            error,
            position,
            remainder.Length,
            Convert.ToHexString(remainder));

        void Add(ReadOnlySpan<byte> payload, long frameOffset, long frameLength, long payloadOffset, int read)
        {
            if (frames.Count < maxFrames)
            {
                frames.Add(new LabFrame(frameCount, frameOffset, frameLength, frameOffset + payloadOffset, payload.Length, read, Encoding.UTF8.GetString(payload), Convert.ToHexString(payload)));
            }

            frameCount++;
        }
    }

    /// <summary>The sizes of the reads: <paramref name="sizes"/> (each at least 1, validated by the caller),
    /// cut at the end of the input, then whatever is left as one read; one read of everything when none are given.</summary>
    private static List<int> SplitReads(int length, IReadOnlyList<int> sizes)
    {
        var reads = new List<int>(sizes.Count + 1);
        var left = length;
        foreach (var size in sizes)
        {
            if (left == 0)
            {
                break;
            }

            var take = Math.Min(size, left);
            reads.Add(take);
            left -= take;
        }

        if (left > 0 || reads.Count == 0)
        {
            reads.Add(left);
        }

        return reads;
    }

    /// <summary>Read sizes from split points: offsets (ascending, inside the input) where a read ends.</summary>
    public static int[] SizesFromSplits(int[] splitAt)
    {
        var sizes = new int[splitAt.Length];
        var previous = 0;
        for (var i = 0; i < splitAt.Length; i++)
        {
            sizes[i] = splitAt[i] - previous;
            previous = splitAt[i];
        }

        return sizes;
    }

    /// <summary>Turns the request's input into bytes, or says what is wrong with it (naming the field).</summary>
    public static bool TryReadInput(string? input, string? encoding, out byte[] bytes, out string? error)
    {
        bytes = [];
        if (string.IsNullOrEmpty(input))
        {
            error = "input is required (text, or hex or base64 with inputEncoding).";
            return false;
        }

        // A cheap bound before decoding (the body limit); the decoded size is checked below.
        if (input.Length > MaxBodyBytes)
        {
            error = $"input must be at most {MaxInputBytes} bytes (was {input.Length} characters).";
            return false;
        }

        switch (encoding?.ToLowerInvariant())
        {
            case null or "" or "text":
                bytes = Encoding.UTF8.GetBytes(input);
                break;
            case "hex":
                if (!PayloadDecoder.TryDecode(null, input, null, out var hex, out var hexError))
                {
                    error = $"input: {hexError}";
                    return false;
                }

                bytes = hex;
                break;
            case "base64":
                if (!PayloadDecoder.TryDecode(null, null, input, out var b64, out var b64Error))
                {
                    error = $"input: {b64Error}";
                    return false;
                }

                bytes = b64;
                break;
            default:
                error = $"inputEncoding must be text, hex or base64 (was '{encoding}').";
                return false;
        }

        if (bytes.Length > MaxInputBytes)
        {
            error = $"input must be at most {MaxInputBytes} bytes (was {bytes.Length}).";
            bytes = [];
            return false;
        }

        error = null;
        return true;
    }
}
