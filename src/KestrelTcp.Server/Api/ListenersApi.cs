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
        listeners.MapGet("/", (ListenerCatalog catalog) => TypedResults.Ok(catalog.All.Select(ToInfo).ToArray()))
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
