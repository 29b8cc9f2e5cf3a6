namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>The frames of one watched session since its previous batch.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Frames">The frames, oldest first.</param>
/// <param name="Dropped">Frames left out before these because the viewers' buffer was full.</param>
public sealed record TrafficBatch(string SessionId, IReadOnlyList<TrafficFrame> Frames, long Dropped);
