namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>The frames of one watched session since its previous batch.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Frames">The frames, oldest first.</param>
/// <param name="Dropped">Frames left out before these: overwritten in the session's watch ring before a
/// flush took them, or dropped because this browser's backlog was full.</param>
public sealed record TrafficBatch(string SessionId, IReadOnlyList<TrafficFrame> Frames, long Dropped);
