using System.Text.Json.Serialization;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Api;

/// <summary>One page of the audit log, newest first.</summary>
/// <param name="Items">The records on this page.</param>
/// <param name="Total">How many records the log holds (in a cluster: the logs of the nodes that answered).</param>
/// <param name="Page">This page's number, from 1.</param>
/// <param name="PageSize">The page size.</param>
/// <param name="Nodes">In a cluster: each node asked, and whether its rows are in (absent on a single node).</param>
/// <param name="Degraded">In a cluster: which nodes' rows are missing and why, when some are (else absent).</param>
public sealed record AuditPage(
    IReadOnlyList<AuditRecord> Items,
    long Total,
    int Page,
    int PageSize,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<NodeOutcome>? Nodes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Degraded = null);
