namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>
/// What changed since the previous delta or snapshot sent to this browser: sessions that are new or
/// whose counters moved (whole rows, so applying a delta twice does no harm), and sessions that closed.
/// </summary>
/// <param name="Upserted">New and changed sessions.</param>
/// <param name="Closed">Sessions of this node that ended, with their close reason.</param>
/// <param name="Removed">In a cluster, sessions of other nodes that left the cluster view (closed there, or
/// their node went down); empty on a single node.</param>
public sealed record SessionsDelta(IReadOnlyList<SessionRow> Upserted, IReadOnlyList<ClosedSessionRow> Closed, IReadOnlyList<RemovedSessionRow> Removed);
