namespace KestrelTcp.Server.Sessions;

/// <summary>One frame in a session's history.</summary>
/// <param name="Sequence">Position in the session's history, counting from 1.</param>
/// <param name="Timestamp">When the frame was received or written.</param>
/// <param name="Direction">In (from the client) or out (to the client).</param>
/// <param name="Length">The frame's payload size in bytes.</param>
/// <param name="Preview">The first bytes of the payload (the whole payload when it is small).</param>
public sealed record FrameRecord(long Sequence, DateTimeOffset Timestamp, FrameDirection Direction, int Length, byte[] Preview)
{
    /// <summary>Whether <see cref="Preview"/> holds only the start of the payload.</summary>
    public bool Truncated => Preview.Length < Length;
}
