namespace KestrelTcp.Server.Sessions;

/// <summary>One read as it came off a session's socket, before any framing.</summary>
/// <param name="Sequence">Position among the reads captured for this session, counting from 1.</param>
/// <param name="Timestamp">When the read completed.</param>
/// <param name="Length">Bytes the read returned.</param>
/// <param name="Kept">Its first bytes (at most <see cref="RawReadRing.BytesPerRead"/>).</param>
public sealed record RawRead(long Sequence, DateTimeOffset Timestamp, int Length, byte[] Kept)
{
    /// <summary>Whether <see cref="Kept"/> holds only the start of the read.</summary>
    public bool Truncated => Kept.Length < Length;
}
