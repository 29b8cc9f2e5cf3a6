namespace KestrelTcp.Server.Security;

/// <summary>Endpoint metadata: this endpoint performs an audited action, so a request refused by
/// authorization is written to the audit log as Denied (see <see cref="AuditingAuthorizationResultHandler"/>).</summary>
/// <param name="Action">The action the endpoint performs.</param>
/// <param name="DescribeAsync">Reads what the refused request asked for (targets, payload) from the
/// request, for the record; the endpoint's owner knows its shape. Best effort: null parts stay empty.</param>
internal sealed record AuditedAction(AuditAction Action, Func<HttpContext, Task<AuditTarget>>? DescribeAsync = null);
