namespace KestrelTcp.Server.Api;

/// <summary>One frame the framing lab decoded.</summary>
/// <param name="Index">Its position among the frames, from 0.</param>
/// <param name="Offset">Where the frame (its header or first byte) starts in the input.</param>
/// <param name="Length">The frame's bytes in the input, framing included.</param>
/// <param name="PayloadOffset">Where its payload starts in the input.</param>
/// <param name="PayloadLength">The payload's size.</param>
/// <param name="Read">The read (from 0) that completed it.</param>
/// <param name="Text">The payload as UTF-8 (invalid sequences replaced).</param>
/// <param name="Hex">The payload as hexadecimal.</param>
public sealed record LabFrame(int Index, long Offset, long Length, long PayloadOffset, long PayloadLength, int Read, string Text, string Hex);
