using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/listeners</c> routes.</summary>
internal static class ListenersApi
{
    public static RouteGroupBuilder MapListenersApi(this RouteGroupBuilder api)
    {
        var listeners = api.MapGroup("/listeners").WithTags("Listeners");
        listeners.MapGet("/", (ListenerCatalog catalog, IClusterView cluster) => TypedResults.Ok(catalog.All.Select(l => WithNodes(ToInfo(l), cluster)).ToArray()))
            .WithName("ListListeners").WithSummary("The TCP listeners with mode, framing and session counts.");
        listeners.MapPost("/{name}/broadcast", Broadcast)
            .WithName("Broadcast").WithSummary("Send a payload to every session of a listener.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.Broadcast, DeniedRequests.DescribeBroadcastAsync), new RequestSizeLimitAttribute(SessionsApi.MaxSendBodyBytes));
        return api;
    }

    internal static ListenerInfo ToInfo(Listener listener) => new(
        listener.Name,
        listener.Options.Address,
        listener.BoundEndPoint?.Port ?? listener.Options.Port,
        listener.Mode,
        listener.Options.Framing,
        listener.ConnectionCount,
        listener.Options.MaxConnections,
        listener.AcceptedTotal,
        listener.RejectedTotal,
        listener.Options.IdleTimeout.TotalSeconds,
        Tls: listener.Options.Tls is not null,
        listener.Rejections);

    /// <summary>Adds the per-node session counts of a clustered node's view.</summary>
    internal static ListenerInfo WithNodes(ListenerInfo info, IClusterView cluster)
    {
        if (!cluster.Enabled)
        {
            return info;
        }

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal) { [cluster.LocalNode] = info.Sessions };
        foreach (var node in cluster.Nodes())
        {
            if (!node.Local && node.State != NodeState.Down)
            {
                counts[node.Name] = 0;
            }
        }

        foreach (var session in cluster.RemoteSessions())
        {
            if (session.Node is { } node && string.Equals(session.Listener, info.Name, StringComparison.OrdinalIgnoreCase))
            {
                counts[node] = counts.GetValueOrDefault(node) + 1;
            }
        }

        return info with { SessionsByNode = counts };
    }

    private static async Task<Results<Accepted<SendResponse>, ProblemHttpResult>> Broadcast(string name, SendRequest request, ClusterCommands commands, HttpContext http)
    {
        // An unknown listener is answered (404) by the commands, which also record the attempt.
        if (!PayloadDecoder.TryDecode(request.Text, request.Hex, request.Base64, out var payload, out var error))
        {
            return ApiResults.FromSend(await commands.RefusePayloadAsync(ApiResults.Actor(http), AuditAction.Broadcast, name, null, error));
        }

        return ApiResults.FromSend(await commands.BroadcastAsync(ApiResults.Actor(http), name, payload, http.RequestAborted));
    }
}
