using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>One page of sessions.</summary>
/// <param name="Items">The sessions on this page.</param>
/// <param name="Total">How many sessions matched the filter.</param>
/// <param name="Page">This page's number, from 1.</param>
/// <param name="PageSize">The page size.</param>
/// <param name="Degraded">In a cluster, why the other nodes' sessions may be missing or stale (Redis down, ...); null when the view is whole.</param>
public sealed record SessionPage(IReadOnlyList<SessionInfo> Items, int Total, int Page, int PageSize, string? Degraded = null);
