namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>How a test stream is cut into arrivals (reads).</summary>
internal static class Chunks
{
    public static IReadOnlyList<byte[]> Whole(byte[] stream) => stream.Length == 0 ? [] : [stream];

    public static IReadOnlyList<byte[]> OneByteAtATime(byte[] stream) =>
        stream.Select(b => new[] { b }).ToArray();

    /// <summary>Random arrival sizes from a fixed seed: mostly a few bytes, sometimes a few hundred,
    /// so that over a stream every frame boundary lands in every position of a read.</summary>
    public static IReadOnlyList<byte[]> Random(byte[] stream, int seed)
    {
        var random = new Random(seed);
        var chunks = new List<byte[]>();
        var offset = 0;
        while (offset < stream.Length)
        {
            var size = Math.Min(NextSize(random), stream.Length - offset);
            chunks.Add(stream.AsSpan(offset, size).ToArray());
            offset += size;
        }

        return chunks;
    }

    public static int NextSize(Random random) => random.Next(4) == 0 ? random.Next(1, 300) : random.Next(1, 9);
}
