using KestrelTcp.Protocols;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>Why the framing lab stopped decoding: what a session's read loop would have thrown.</summary>
/// <param name="Error">The decoder's error.</param>
/// <param name="Message">The decoder's message.</param>
/// <param name="Offset">Where the frame that broke the rules starts in the input.</param>
/// <param name="Read">The read (from 0) during which it was found.</param>
/// <param name="CloseReason">The reason a session with this framing would be closed with.</param>
public sealed record LabError(FramingError Error, string Message, long Offset, int Read, CloseReason CloseReason);
