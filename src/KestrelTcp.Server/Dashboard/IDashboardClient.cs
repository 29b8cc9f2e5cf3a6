using KestrelTcp.Server.Dashboard.Contracts;

namespace KestrelTcp.Server.Dashboard;

/// <summary>
/// What the server calls on a dashboard browser. Every browser receives a <see cref="Snapshot"/>
/// first, then coalesced <see cref="SessionsChanged"/> deltas and <see cref="TotalsChanged"/> samples
/// (and, in a cluster, <see cref="ClusterChanged"/>);
/// <see cref="Traffic"/> reaches only the viewers of a session.
/// </summary>
public interface IDashboardClient
{
    /// <summary>The whole picture: replaces whatever the browser had.</summary>
    Task Snapshot(DashboardSnapshot snapshot);

    /// <summary>New, changed and closed sessions since the previous snapshot or delta.</summary>
    Task SessionsChanged(SessionsDelta delta);

    /// <summary>The latest totals sample (about once a second).</summary>
    Task TotalsChanged(ServerTotals totals);

    /// <summary>In a cluster, the degraded state or the node list changed.</summary>
    Task ClusterChanged(ClusterStatus status);

    /// <summary>Frames of a session this browser watches.</summary>
    Task Traffic(TrafficBatch batch);
}
