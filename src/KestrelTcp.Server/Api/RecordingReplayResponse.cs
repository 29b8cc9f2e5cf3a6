namespace KestrelTcp.Server.Api;

/// <summary>A replay started: how many recorded server-to-device frames it sends to which session.</summary>
internal sealed record RecordingReplayResponse(string Recording, string SessionId, int Frames, double Speed);
