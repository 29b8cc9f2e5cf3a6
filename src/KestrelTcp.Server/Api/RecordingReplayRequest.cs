namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>POST /api/recordings/{name}/replay</c>.</summary>
/// <param name="SessionId">The live session the recorded server-to-device frames are sent to.</param>
/// <param name="Speed">Pace: 1 the original, 2 twice as fast; 0 (or absent) as fast as possible. At most 1,000.</param>
internal sealed record RecordingReplayRequest(string? SessionId, double? Speed);
