using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
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
            .WithName("DrainNode").WithSummary("Drain a node, this one or another (asked over the command channel): its /readyz answers 503, then its sessions are closed at its KestrelTcp:DrainSessionsPerSecond. 202 once the node started; 503/504 naming a node that did not answer.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.Drain, DescribeDrainAsync));
        return api;
    }

    private static async Task<Results<Accepted<DrainResponse>, ProblemHttpResult>> DrainAsync(
        string name, IClusterView cluster, NodeDrain drain, SessionRegistry registry, AuditLog audit, IServiceProvider services, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        var node = cluster.Nodes().FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
        if (node is null)
        {
            var missing = $"There is no node named '{name}'.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.Drain, AuditResult.NotFound, null, null, null, missing));
            return ApiResults.NotFound(missing);
        }

        IReadOnlyList<string>? target = cluster.Enabled ? [node.Name] : null;
        if (!node.Local)
        {
            // Another node's drain travels to it; recorded here, naming it, before it is sent. Only the
            // target's answer makes it a 202: no answer is a 503/504 naming the node.
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.Drain, AuditResult.Allowed, null, null, null,
                $"Node {node.Name} ({node.State}, {node.Sessions} sessions at its last heartbeat), asked through node {cluster.LocalNode}.", target));
            try
            {
                var remote = await services.GetRequiredService<RemoteDrain>().DrainAsync(node.Name, actor.Name, http.RequestAborted);
                return TypedResults.Accepted((string?)null, remote);
            }
            catch (NodeCallException failure)
            {
                return ApiResults.NodeProblem(failure);
            }
        }

        // Recorded before it takes effect, like every operator action.
        var sessions = registry.Count;
        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.Drain, AuditResult.Allowed, null, null, null, $"Node {node.Name}: {sessions} sessions at {drain.SessionsPerSecond} a second.", target));
        var started = drain.Start(actor.Name);
        return TypedResults.Accepted((string?)null, new DrainResponse(node.Name, sessions, drain.SessionsPerSecond, AlreadyDraining: !started));
    }

    private static Task<AuditTarget> DescribeDrainAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(null, null, null, $"Drain of node {http.GetRouteValue("name")}."));
}
