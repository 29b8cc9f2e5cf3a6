namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>
/// Everything a browser needs to draw the dashboard from scratch. Sent first on every (re)connection,
/// and again whenever the server cannot vouch that the browser's copy is complete; deltas follow.
/// </summary>
/// <param name="Time">When it was taken (Unix milliseconds).</param>
/// <param name="Listeners">The TCP listeners.</param>
/// <param name="Sessions">Every live session (in a cluster, of every node).</param>
/// <param name="RecentlyClosed">Recently closed sessions of this node, newest first.</param>
/// <param name="TotalsHistory">Recent totals samples, oldest first, for the charts.</param>
/// <param name="Settings">Settings the browser presents with.</param>
/// <param name="Cluster">The cluster: whether there is one, this node, whether the view is degraded, the nodes.</param>
public sealed record DashboardSnapshot(
    long Time,
    IReadOnlyList<ListenerSummary> Listeners,
    IReadOnlyList<SessionRow> Sessions,
    IReadOnlyList<ClosedSessionRow> RecentlyClosed,
    IReadOnlyList<ServerTotals> TotalsHistory,
    DashboardSettings Settings,
    ClusterStatus Cluster);
