using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Api;

/// <summary>One framing tried by <c>POST /api/framing/guess</c>, with how well it fits.</summary>
/// <param name="Framing">The framing tried.</param>
/// <param name="Description">The framing in short.</param>
/// <param name="Score">0 (does not fit) to 100 (every byte in plausible frames).</param>
/// <param name="FrameCount">Frames decoded.</param>
/// <param name="EmptyFrames">Frames with no payload (a sign of a wrong length field).</param>
/// <param name="RemainderBytes">Bytes left undecoded.</param>
/// <param name="Error">The error, when decoding failed.</param>
/// <param name="Reasons">Why it scored as it did.</param>
public sealed record FramingCandidate(
    FramingOptions Framing,
    string Description,
    int Score,
    int FrameCount,
    int EmptyFrames,
    long RemainderBytes,
    LabError? Error,
    string[] Reasons);
