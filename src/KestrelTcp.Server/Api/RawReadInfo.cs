using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>One read off a session's socket, before framing.</summary>
/// <param name="Sequence">Position among the reads captured, from 1.</param>
/// <param name="Timestamp">When the read completed.</param>
/// <param name="Length">Bytes the read returned.</param>
/// <param name="Truncated">Whether only the first <see cref="RawReadRing.BytesPerRead"/> bytes were kept.</param>
/// <param name="Text">The kept bytes as UTF-8 (invalid sequences replaced).</param>
/// <param name="Hex">The kept bytes as hexadecimal.</param>
public sealed record RawReadInfo(long Sequence, DateTimeOffset Timestamp, int Length, bool Truncated, string Text, string Hex)
{
    internal static RawReadInfo From(RawRead read) => new(
        read.Sequence,
        read.Timestamp,
        read.Length,
        read.Truncated,
        System.Text.Encoding.UTF8.GetString(read.Kept),
        Convert.ToHexString(read.Kept));
}
