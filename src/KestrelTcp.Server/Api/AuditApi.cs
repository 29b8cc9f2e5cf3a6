using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/audit</c> route: the audit log for operators, newest first.</summary>
internal static class AuditApi
{
    /// <summary>Default page size.</summary>
    public const int DefaultPageSize = 50;

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync)
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithTags("Audit").WithName("ListAudit").WithSummary("The audit log (sign-ins, sign-outs, sends, broadcasts, kicks), newest first.");
        return api;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ListAsync(AuditLog audit, IClusterView view, ClusterQueries cluster, HttpContext http, int page = 1, int pageSize = DefaultPageSize)
    {
        if (ApiResults.InvalidPage(page, pageSize, AuditLog.MaxPageSize) is { } invalid)
        {
            return invalid;
        }

        if (view.Enabled)
        {
            // Each Up node gives its newest page × pageSize rows: bound how deep the merged view pages.
            if ((long)page * pageSize > AuditLog.MaxNewestRows)
            {
                return ApiResults.BadRequest($"In a cluster the audit view reaches the newest {AuditLog.MaxNewestRows} rows of each node: page × pageSize must be at most {AuditLog.MaxNewestRows} (was {(long)page * pageSize}).");
            }

            return TypedResults.Ok(await cluster.ReadAuditAsync(page, pageSize, http.RequestAborted).ConfigureAwait(false));
        }

        var (items, total) = await audit.ReadPageAsync(page, pageSize, http.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new AuditPage(items, total, page, pageSize));
    }
}
