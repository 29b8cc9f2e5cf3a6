namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>The answer to a watch request: the session's recent frames, or why it cannot be watched.</summary>
/// <param name="Ok">Whether the browser now receives the session's traffic.</param>
/// <param name="Error">Why not, when <paramref name="Ok"/> is false.</param>
/// <param name="History">The session's recent frames, oldest first.</param>
public sealed record WatchResult(bool Ok, string? Error, IReadOnlyList<TrafficFrame> History);
