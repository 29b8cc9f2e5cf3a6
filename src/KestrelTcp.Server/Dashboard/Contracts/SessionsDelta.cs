namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>
/// What changed since the previous delta or snapshot sent to this browser: sessions that are new or
/// whose counters moved (whole rows, so applying a delta twice does no harm), and sessions that closed.
/// </summary>
/// <param name="Upserted">New and changed sessions.</param>
/// <param name="Closed">Sessions that ended, with their close reason.</param>
public sealed record SessionsDelta(IReadOnlyList<SessionRow> Upserted, IReadOnlyList<ClosedSessionRow> Closed);
