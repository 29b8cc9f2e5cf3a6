using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Api;

/// <summary>
/// "Find the framing of an unknown device": runs the input through every framing kind with the options
/// devices commonly use, through <see cref="FramingLab"/> (the real codecs), and ranks them. A framing fits
/// when it consumes every byte without an error in frames that are not empty; Raw always "fits" and is
/// listed last as the baseline; Fixed is not guessed (any divisor of the length would fit).
/// </summary>
internal static class FramingGuesser
{
    /// <summary>Score of the Raw baseline: above a framing that does not fit at all, below any that does.</summary>
    private const int RawScore = 1;

    public static IReadOnlyList<FramingOptions> Candidates()
    {
        var candidates = new List<FramingOptions>
        {
            new() { Kind = FramingKind.Line },
            new() { Kind = FramingKind.Delimiter, Delimiter = "0D0A" },
            new() { Kind = FramingKind.Delimiter, Delimiter = "0D" },
            new() { Kind = FramingKind.Delimiter, Delimiter = "00" },
            new() { Kind = FramingKind.Delimiter, Delimiter = "7E" },
            new() { Kind = FramingKind.Delimiter, Delimiter = "03" },
        };
        foreach (var header in (int[])[2, 4, 1, 8])
        {
            foreach (var order in header == 1 ? [ByteOrder.BigEndian] : (ByteOrder[])[ByteOrder.BigEndian, ByteOrder.LittleEndian])
            {
                foreach (var includes in (bool[])[false, true])
                {
                    candidates.Add(new() { Kind = FramingKind.LengthPrefixed, HeaderBytes = header, Endianness = order, LengthIncludesHeader = includes });
                }
            }
        }

        candidates.Add(new() { Kind = FramingKind.Raw });
        return candidates;
    }

    public static async Task<FramingGuessResponse> GuessAsync(byte[] input)
    {
        var ranked = new List<FramingCandidate>();
        foreach (var framing in Candidates())
        {
            var result = await FramingLab.DecodeAsync(framing, input, [], endOfStream: false).ConfigureAwait(false);
            ranked.Add(Score(framing, result));
        }

        // A stable sort: ties stay in the order tried (the commoner framing first).
        return new FramingGuessResponse(input.Length, [.. ranked.OrderByDescending(c => c.Score)]);
    }

    private static FramingCandidate Score(FramingOptions framing, FramingTestResponse result)
    {
        var reasons = new List<string>();
        var empty = result.Frames.Count(f => f.PayloadLength == 0);
        int score;
        if (framing.Kind == FramingKind.Raw)
        {
            score = RawScore;
            reasons.Add("baseline: every read is one frame, whatever the bytes");
        }
        else if (result.Error is { } error)
        {
            score = 0;
            reasons.Add($"{error.Error} at offset {error.Offset}");
        }
        else if (result.FrameCount == 0)
        {
            score = 0;
            reasons.Add("no complete frame");
        }
        else
        {
            var consumed = (double)result.ConsumedBytes / result.InputBytes;
            score = (int)Math.Round(100 * consumed);
            reasons.Add(result.RemainderBytes == 0 ? "all bytes consumed" : $"{result.RemainderBytes} bytes left over");
            reasons.Add($"{result.FrameCount} frames");
            if (empty > 0)
            {
                score -= (int)Math.Ceiling(50.0 * empty / result.FrameCount);
                reasons.Add($"{empty} empty frames");
            }

            score = Math.Clamp(score, RawScore + 1, 100);
        }

        return new FramingCandidate(framing, framing.ToString() + (framing.LengthIncludesHeader && framing.Kind == FramingKind.LengthPrefixed ? " including header" : string.Empty), score, result.FrameCount, empty, result.RemainderBytes, result.Error, [.. reasons]);
    }
}
