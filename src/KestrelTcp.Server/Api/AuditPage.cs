using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Api;

/// <summary>One page of the audit log, newest first.</summary>
/// <param name="Items">The records on this page.</param>
/// <param name="Total">How many records the log holds.</param>
/// <param name="Page">This page's number, from 1.</param>
/// <param name="PageSize">The page size.</param>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, long Total, int Page, int PageSize);
