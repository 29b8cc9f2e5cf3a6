using System.Text;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>A frame from a session's history.</summary>
/// <param name="Sequence">Position in the session's history, from 1.</param>
/// <param name="Timestamp">When it was received or sent.</param>
/// <param name="Direction">In (from the client) or Out (to it).</param>
/// <param name="Length">Payload size in bytes.</param>
/// <param name="Truncated">Whether only the start of the payload was kept.</param>
/// <param name="Text">The kept bytes as UTF-8 (invalid sequences replaced).</param>
/// <param name="Hex">The kept bytes as hexadecimal.</param>
public sealed record MessageInfo(long Sequence, DateTimeOffset Timestamp, FrameDirection Direction, int Length, bool Truncated, string Text, string Hex)
{
    internal static MessageInfo From(FrameRecord frame) => new(
        frame.Sequence,
        frame.Timestamp,
        frame.Direction,
        frame.Length,
        frame.Truncated,
        Encoding.UTF8.GetString(frame.Preview),
        Convert.ToHexString(frame.Preview));
}
