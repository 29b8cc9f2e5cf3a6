using System.Buffers;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>
/// Feeds a stream to <see cref="ProxyProtocolReader"/> as a read loop does: the stream arrives in reads,
/// each appended as a segment of its own after what is still unconsumed, and the reader is asked after
/// every read. Checks the reader's contract on every call (consumed left alone and everything examined
/// while it waits; never waiting on more than a header's worth of bytes) and gives the header with the
/// bytes after it.
/// </summary>
internal static class ProxyHeaderFeed
{
    /// <summary>The ways a stream is cut: whole, whole over random segments, one byte per read, random reads (fixed seeds).</summary>
    public static TheoryData<string> Names() => ["whole", "segments-1", "segments-2", "one-byte", "random-1", "random-2", "random-3"];

    public static IReadOnlyList<byte[]> Cut(string feed, byte[] stream) => feed switch
    {
        "whole" => Chunks.Whole(stream),
        "one-byte" => Chunks.OneByteAtATime(stream),
        _ when feed.StartsWith("random-", StringComparison.Ordinal) => Chunks.Random(stream, int.Parse(feed[7..], System.Globalization.CultureInfo.InvariantCulture)),
        _ => Chunks.Whole(stream),
    };

    /// <summary>Parses the header at the start of <paramref name="stream"/>; null when the stream ends first.</summary>
    /// <exception cref="ProxyProtocolException">The reader refused the header.</exception>
    public static (ProxyProtocolHeader? Header, byte[] Remainder) Parse(string feed, byte[] stream)
    {
        if (feed.StartsWith("segments-", StringComparison.Ordinal))
        {
            // All at once, but over many segments (some empty), each between filler bytes.
            var sequence = Sequences.RandomSegments(stream, int.Parse(feed[9..], System.Globalization.CultureInfo.InvariantCulture));
            return Ask(sequence, out var header, out var rest) ? (header, rest.ToArray()) : (null, sequence.ToArray());
        }

        var pending = new List<ReadOnlyMemory<byte>>();
        var reads = Cut(feed, stream);
        for (var i = 0; i < reads.Count; i++)
        {
            pending.Add(reads[i]);
            var buffer = Sequences.FromSegments(pending);
            if (Ask(buffer, out var header, out var rest))
            {
                return (header, [.. rest.ToArray(), .. reads.Skip(i + 1).SelectMany(r => r)]);
            }
        }

        return (null, stream);
    }

    private static bool Ask(ReadOnlySequence<byte> buffer, out ProxyProtocolHeader header, out ReadOnlySequence<byte> rest)
    {
        var consumed = buffer.Start;
        var examined = buffer.Start;
        if (ProxyProtocolReader.Instance.TryParseMessage(buffer, ref consumed, ref examined, out header))
        {
            Assert.Equal(header.Length, buffer.Slice(0, consumed).Length);
            Assert.Equal(consumed, examined);
            rest = buffer.Slice(consumed);
            return true;
        }

        Assert.Equal(buffer.Start, consumed);
        Assert.Equal(buffer.End, examined);
        Assert.True(buffer.Length < ProxyProtocolReader.MaxHeaderBytes, $"the reader waits holding {buffer.Length} bytes");
        rest = default;
        return false;
    }
}
