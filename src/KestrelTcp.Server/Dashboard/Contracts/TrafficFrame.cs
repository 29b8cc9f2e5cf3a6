using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>One frame of a watched session, with its payload both as text and as hex.</summary>
/// <param name="Time">When it was received or written (Unix milliseconds).</param>
/// <param name="Direction">In (from the client) or Out (to it).</param>
/// <param name="Length">The frame's payload size in bytes.</param>
/// <param name="Truncated">Whether <paramref name="Text"/> and <paramref name="Hex"/> hold only the start of the payload.</param>
/// <param name="Text">The shown bytes decoded as UTF-8 (invalid sequences replaced). Device data: insert as text only.</param>
/// <param name="Hex">The shown bytes as uppercase hexadecimal.</param>
public sealed record TrafficFrame(long Time, FrameDirection Direction, int Length, bool Truncated, string Text, string Hex);
