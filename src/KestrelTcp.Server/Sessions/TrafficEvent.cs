namespace KestrelTcp.Server.Sessions;

/// <summary>A frame of a session that someone is watching.</summary>
internal sealed record TrafficEvent(string SessionId, FrameDirection Direction, DateTimeOffset Timestamp, int Length, byte[] Preview);
