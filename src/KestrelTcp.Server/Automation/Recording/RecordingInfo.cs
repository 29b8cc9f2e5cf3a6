namespace KestrelTcp.Server.Automation.Recording;

/// <summary>A recording file as <c>GET /api/recordings</c> lists it.</summary>
/// <param name="Name">Its server-generated file name.</param>
/// <param name="Bytes">Its size so far.</param>
/// <param name="ModifiedAt">When it was last written.</param>
/// <param name="SessionId">The session being recorded, while it runs.</param>
/// <param name="Active">Whether it is still being written.</param>
/// <param name="Frames">Frames written (while it runs).</param>
/// <param name="Dropped">Frames dropped because the writer fell behind (while it runs).</param>
public sealed record RecordingInfo(string Name, long Bytes, DateTimeOffset ModifiedAt, string? SessionId, bool Active, long Frames, long Dropped);
