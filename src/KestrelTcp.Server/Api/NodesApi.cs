using KestrelTcp.Server.Cluster;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/nodes</c> routes.</summary>
internal static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this RouteGroupBuilder api)
    {
        api.MapGroup("/nodes").WithTags("Cluster")
            .MapGet("/", (IClusterView cluster) => TypedResults.Ok(new NodesPage(cluster.Enabled, cluster.LocalNode, cluster.DegradedReason, cluster.Nodes())))
            .WithName("ListNodes").WithSummary("The cluster's nodes with state (Up, Draining, Down), sessions and last heartbeat; whether the view is degraded.");
        return api;
    }
}
