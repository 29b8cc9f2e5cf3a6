using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/nodes</c> routes.</summary>
internal static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("Cluster");
        nodes.MapGet("/", (IClusterView cluster) => TypedResults.Ok(new NodesPage(cluster.Enabled, cluster.LocalNode, cluster.DegradedReason, cluster.Nodes())))
            .WithName("ListNodes").WithSummary("The cluster's nodes with state (Up, Draining, Down), sessions and last heartbeat; whether the view is degraded.");
        nodes.MapPost("/{name}/drain", DrainAsync)
            .WithName("DrainNode").WithSummary("Drain a node: /readyz answers 503, then its sessions are closed at KestrelTcp:DrainSessionsPerSecond.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.Drain, DescribeDrainAsync));
        return api;
    }

    private static async Task<Results<Accepted<DrainResponse>, ProblemHttpResult>> DrainAsync(
        string name, IClusterView cluster, NodeDrain drain, SessionRegistry registry, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        var node = cluster.Nodes().FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
        if (node is null)
        {
            var missing = $"There is no node named '{name}'.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.Drain, AuditResult.NotFound, null, null, null, missing));
            return ApiResults.NotFound(missing);
        }

        if (!node.Local)
        {
            var elsewhere = $"Node '{node.Name}' drains through its own API ({node.Address ?? "address unknown"}): this node ({cluster.LocalNode}) drains only itself.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.Drain, AuditResult.Invalid, null, null, null, elsewhere));
            return ApiResults.Conflict(elsewhere);
        }

        // Recorded before it takes effect, like every operator action.
        var sessions = registry.Count;
        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.Drain, AuditResult.Allowed, null, null, null, $"Node {node.Name}: {sessions} sessions at {drain.SessionsPerSecond} a second."));
        var started = drain.Start(actor.Name);
        return TypedResults.Accepted((string?)null, new DrainResponse(node.Name, sessions, drain.SessionsPerSecond, AlreadyDraining: !started));
    }

    private static Task<AuditTarget> DescribeDrainAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(null, null, null, $"Drain of node {http.GetRouteValue("name")}."));
}
