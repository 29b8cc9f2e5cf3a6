namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>Settings the browser needs to present what it receives.</summary>
/// <param name="FlushIntervalMilliseconds">How often deltas are pushed.</param>
/// <param name="TrafficPreviewBytes">How many bytes of each frame the traffic log receives.</param>
/// <param name="MaxWatchedSessions">How many sessions one browser may watch at once.</param>
/// <param name="RecentlyClosedShown">How many recently closed sessions the browser keeps.</param>
public sealed record DashboardSettings(int FlushIntervalMilliseconds, int TrafficPreviewBytes, int MaxWatchedSessions, int RecentlyClosedShown);
