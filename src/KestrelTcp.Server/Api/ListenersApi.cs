using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Relay;
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
        listeners.MapGet("/", (ListenerCatalog catalog, IClusterView cluster, IServiceProvider services) =>
                TypedResults.Ok(WithRelays(WithNodes(catalog.All, cluster), services.GetService<BrokerRelay>())))
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

    /// <summary>Adds each Broker listener's relay counters (in a cluster; <paramref name="relay"/> is null on a single node).</summary>
    internal static ListenerInfo[] WithRelays(ListenerInfo[] infos, BrokerRelay? relay)
    {
        if (relay is null)
        {
            return infos;
        }

        for (var i = 0; i < infos.Length; i++)
        {
            if (relay.Find(infos[i].Name) is { } listenerRelay)
            {
                infos[i] = infos[i] with { Relay = RelayInfo.From(listenerRelay) };
            }
        }

        return infos;
    }

    /// <summary>Every listener's info with, in a cluster, its sessions on each node that is not Down: the
    /// cluster view is read once for all listeners.</summary>
    internal static ListenerInfo[] WithNodes(IEnumerable<Listener> listeners, IClusterView cluster)
    {
        var infos = listeners.Select(ToInfo).ToArray();
        if (!cluster.Enabled)
        {
            return infos;
        }

        var live = cluster.Nodes().Where(n => !n.Local && n.State != NodeState.Down).Select(n => n.Name).ToList();
        var remote = cluster.RemoteSessions()
            .Where(s => s.Node is not null)
            .GroupBy(s => (Node: s.Node!, Listener: s.Listener.ToUpperInvariant()))
            .ToDictionary(g => g.Key, g => g.Count());
        for (var i = 0; i < infos.Length; i++)
        {
            var info = infos[i];
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal) { [cluster.LocalNode] = info.Sessions };
            foreach (var node in live)
            {
                counts[node] = 0;
            }

            foreach (var ((node, listener), count) in remote)
            {
                if (listener == info.Name.ToUpperInvariant())
                {
                    counts[node] = counts.GetValueOrDefault(node) + count;
                }
            }

            infos[i] = info with { SessionsByNode = counts };
        }

        return infos;
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
