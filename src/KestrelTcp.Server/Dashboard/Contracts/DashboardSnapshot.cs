namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>
/// Everything a browser needs to draw the dashboard from scratch. Sent first on every (re)connection,
/// and again whenever the server cannot vouch that the browser's copy is complete; deltas follow.
/// </summary>
/// <param name="Time">When it was taken (Unix milliseconds).</param>
/// <param name="Listeners">The TCP listeners.</param>
/// <param name="Sessions">Every live session.</param>
/// <param name="RecentlyClosed">Recently closed sessions, newest first.</param>
/// <param name="TotalsHistory">Recent totals samples, oldest first, for the charts.</param>
/// <param name="Settings">Settings the browser presents with.</param>
public sealed record DashboardSnapshot(
    long Time,
    IReadOnlyList<ListenerSummary> Listeners,
    IReadOnlyList<SessionRow> Sessions,
    IReadOnlyList<ClosedSessionRow> RecentlyClosed,
    IReadOnlyList<ServerTotals> TotalsHistory,
    DashboardSettings Settings);
