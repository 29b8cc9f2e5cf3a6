using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/sessions</c> and <c>/api/send</c> routes.</summary>
internal static class SessionsApi
{
    /// <summary>
    /// Largest body a send or broadcast request may have (4 MiB), answered 413 beyond: room for the largest
    /// frame as hex or base64 plus <see cref="SessionCommands.MaxTargets"/> ids, but not for an unbounded list.
    /// </summary>
    public const long MaxSendBodyBytes = 4L * 1024 * 1024;

    /// <summary>Default page size for <c>GET /api/sessions</c>.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Largest page size: bounds the cost of one request at 10,000 sessions.</summary>
    public const int MaxPageSize = 1000;

    private static readonly Dictionary<string, Func<SessionInfo, IComparable?>> SortKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = s => s.Id,
        ["listener"] = s => s.Listener,
        ["deviceId"] = s => s.DeviceId,
        ["remoteEndPoint"] = s => s.RemoteEndPoint,
        ["connectedAt"] = s => s.ConnectedAt,
        ["lastReceivedAt"] = s => s.LastReceivedAt,
        ["lastSentAt"] = s => s.LastSentAt,
        ["bytesIn"] = s => s.BytesIn,
        ["bytesOut"] = s => s.BytesOut,
        ["framesIn"] = s => s.FramesIn,
        ["framesOut"] = s => s.FramesOut,
        ["queuedBytes"] = s => s.QueuedBytes,
    };

    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapGet("/", List).WithName("ListSessions").WithSummary("Live sessions, filtered, sorted and paged.");
        sessions.MapGet("/closed", Closed)
            .WithName("ListClosedSessions").WithSummary("Recently closed sessions with their close reason, newest first (every node's, in a cluster).");
        sessions.MapGet("/{id}", Get).WithName("GetSession").WithSummary("One live session.");
        sessions.MapGet("/{id}/messages", Messages).WithName("GetSessionMessages").WithSummary("A session's recent frames, oldest first.");
        sessions.MapPost("/{id}/send", SendOne).WithName("SendToSession").WithSummary("Send a payload to one session, framed by its listener.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.Send, DeniedRequests.DescribeSendOneAsync), new RequestSizeLimitAttribute(MaxSendBodyBytes));
        sessions.MapDelete("/{id}", Kick).WithName("KickSession").WithSummary("Disconnect a session with a reason.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.Kick, DeniedRequests.DescribeKickAsync));
        api.MapPost("/send", SendMany).WithTags("Sessions").WithName("SendToSessions").WithSummary("Send a payload to several sessions.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.Send, DeniedRequests.DescribeSendManyAsync), new RequestSizeLimitAttribute(MaxSendBodyBytes));
        return api;
    }

    private static Results<Ok<SessionPage>, ProblemHttpResult> List(
        SessionRegistry registry,
        ListenerCatalog listeners,
        IClusterView cluster,
        string? listener = null,
        string? node = null,
        string? q = null,
        string? sort = null,
        int page = 1,
        int pageSize = DefaultPageSize)
    {
        if (ApiResults.InvalidPage(page, pageSize, MaxPageSize) is { } invalid)
        {
            return invalid;
        }

        if (Select(registry, listeners, cluster, listener, node, q, sort, out var all) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(new SessionPage(PageOf(all, page, pageSize), all.Count, page, pageSize, cluster.DegradedReason));
    }

    /// <summary>
    /// The sessions a list (or an export) of <c>/api/sessions</c> shows: filtered by listener, node and text,
    /// sorted by <paramref name="sort"/>, this node's and (in a cluster) the others'. Returns a 400 naming the
    /// parameter that is wrong, or null with the sessions in <paramref name="all"/>.
    /// </summary>
    internal static ProblemHttpResult? Select(
        SessionRegistry registry,
        ListenerCatalog listeners,
        IClusterView cluster,
        string? listener,
        string? node,
        string? q,
        string? sort,
        out List<SessionInfo> all)
    {
        all = [];
        if (listener is not null && listeners.Find(listener) is null)
        {
            return ApiResults.BadRequest($"listener: there is no listener named '{listener}'.");
        }

        if (node is not null && !cluster.Nodes().Any(n => string.Equals(n.Name, node, StringComparison.OrdinalIgnoreCase)))
        {
            return ApiResults.BadRequest($"node: there is no node named '{node}'.");
        }

        var descending = sort?.StartsWith('-') == true;
        var sortName = sort?.TrimStart('-', '+');
        Func<SessionInfo, IComparable?> key = s => s.ConnectedAt;
        if (!string.IsNullOrEmpty(sortName) && !SortKeys.TryGetValue(sortName, out key!))
        {
            return ApiResults.BadRequest($"sort must be one of {string.Join(", ", SortKeys.Keys)}, with '-' in front for descending (was '{sort}').");
        }

        // Filter on the live sessions first, so that only matches are copied into snapshots.
        var needle = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var local = node is null || string.Equals(node, cluster.LocalNode, StringComparison.OrdinalIgnoreCase);
        var items = (local ? registry.All : [])
            .Where(s => listener is null || string.Equals(s.Listener.Name, listener, StringComparison.OrdinalIgnoreCase))
            .Where(s => needle is null || Matches(s, needle))
            .Select(s => s.Snapshot() with { Node = cluster.LocalNode });
        if (cluster.Enabled && (node is null || !local))
        {
            items = items.Concat(cluster.RemoteSessions()
                .Where(s => node is null || string.Equals(s.Node, node, StringComparison.OrdinalIgnoreCase))
                .Where(s => listener is null || string.Equals(s.Listener, listener, StringComparison.OrdinalIgnoreCase))
                .Where(s => needle is null || Matches(s, needle)));
        }

        var ordered = descending
            ? items.OrderByDescending(key).ThenBy(s => s.Id, StringComparer.Ordinal)
            : items.OrderBy(key).ThenBy(s => s.Id, StringComparer.Ordinal);
        all = ordered.ToList();
        return null;
    }

    /// <summary>This node's recently closed sessions and, in a cluster, every other node's, newest first.</summary>
    private static async Task<Ok<SessionInfo[]>> Closed(SessionRegistry registry, IClusterView cluster, IOptions<KestrelTcpOptions> options, CancellationToken cancellationToken)
    {
        var local = Array.ConvertAll(registry.RecentlyClosed(), s => s with { Node = cluster.LocalNode });
        if (!cluster.Enabled)
        {
            return TypedResults.Ok(local);
        }

        var remote = await cluster.RemoteClosedAsync(options.Value.RecentlyClosedCapacity, cancellationToken);
        return TypedResults.Ok(local.Concat(remote).OrderByDescending(s => s.ClosedAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToArray());
    }

    /// <summary>The items of page <paramref name="page"/> (from 1). The offset is worked out in 64 bits:
    /// in 32, <c>(page - 1) * pageSize</c> overflows for a large page, wraps negative, and the last page
    /// asked for would answer with the first. A page past the end is empty.</summary>
    internal static List<T> PageOf<T>(List<T> all, int page, int pageSize)
    {
        var skip = (long)(page - 1) * pageSize;
        return skip >= all.Count ? [] : all.GetRange((int)skip, Math.Min(pageSize, all.Count - (int)skip));
    }

    private static bool Matches(Session s, string q) =>
        s.Id.Contains(q, StringComparison.OrdinalIgnoreCase)
        || s.Listener.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
        || (s.DeviceId?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
        || (s.RemoteEndPointText?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
        || (s.LocalEndPointText?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false);

    private static bool Matches(SessionInfo s, string q) =>
        s.Id.Contains(q, StringComparison.OrdinalIgnoreCase)
        || s.Listener.Contains(q, StringComparison.OrdinalIgnoreCase)
        || (s.DeviceId?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
        || (s.RemoteEndPoint?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
        || (s.LocalEndPoint?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false);

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> Get(string id, SessionRegistry registry, ClusterQueries cluster, IClusterView view, HttpContext http)
    {
        if (registry.TryGet(id, out var session))
        {
            return TypedResults.Ok(session.Snapshot() with { Node = view.LocalNode });
        }

        if (!cluster.TryFindOwner(id, out var owner))
        {
            return ApiResults.NotFound($"No live session with id '{id}'.");
        }

        try
        {
            return await cluster.GetSessionAsync(owner, id, http.RequestAborted) is { } remote
                ? TypedResults.Ok(remote)
                : ApiResults.NotFound($"No live session with id '{id}' (node {owner} no longer has it).");
        }
        catch (NodeCallException ex)
        {
            return ApiResults.NodeProblem(ex);
        }
    }

    private static async Task<Results<Ok<MessageInfo[]>, ProblemHttpResult>> Messages(string id, SessionRegistry registry, ClusterQueries cluster, HttpContext http, int? limit = null, long after = 0)
    {
        var local = registry.TryGet(id, out var session);
        var owner = string.Empty;
        if (!local && !cluster.TryFindOwner(id, out owner))
        {
            return ApiResults.NotFound($"No live session with id '{id}'.");
        }

        if (limit is < 1)
        {
            return ApiResults.BadRequest($"limit must be 1 or more (was {limit}).");
        }

        if (local)
        {
            var frames = session.History.Snapshot(limit ?? int.MaxValue, Math.Max(0, after));
            return TypedResults.Ok(Array.ConvertAll(frames, MessageInfo.From));
        }

        try
        {
            return await cluster.GetMessagesAsync(owner, id, limit, Math.Max(0, after), http.RequestAborted) is { } remote
                ? TypedResults.Ok(remote)
                : ApiResults.NotFound($"No live session with id '{id}' (node {owner} no longer has it).");
        }
        catch (NodeCallException ex)
        {
            return ApiResults.NodeProblem(ex);
        }
    }

    private static async Task<Results<Accepted<SendResponse>, ProblemHttpResult>> SendOne(string id, SendRequest request, ClusterCommands commands, HttpContext http)
    {
        // An unknown id is answered (404) by the commands, which also record the attempt.
        if (!PayloadDecoder.TryDecode(request.Text, request.Hex, request.Base64, out var payload, out var error))
        {
            return ApiResults.FromSend(await commands.RefusePayloadAsync(ApiResults.Actor(http), AuditAction.Send, null, [id], error));
        }

        return ApiResults.FromSend(await commands.SendAsync(ApiResults.Actor(http), [id], payload, http.RequestAborted));
    }

    private static async Task<Results<Accepted<SendResponse>, ProblemHttpResult>> SendMany(SendRequest request, ClusterCommands commands, HttpContext http)
    {
        if (request.SessionIds is not { Length: > 0 })
        {
            return ApiResults.BadRequest("Name at least one session in 'sessionIds'.");
        }

        if (!PayloadDecoder.TryDecode(request.Text, request.Hex, request.Base64, out var payload, out var error))
        {
            return ApiResults.FromSend(await commands.RefusePayloadAsync(ApiResults.Actor(http), AuditAction.Send, null, request.SessionIds, error));
        }

        return ApiResults.FromSend(await commands.SendAsync(ApiResults.Actor(http), request.SessionIds, payload, http.RequestAborted));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Kick(string id, ClusterCommands commands, HttpContext http, string? reason = null) =>
        ApiResults.FromKick(await commands.KickAsync(ApiResults.Actor(http), [id], reason, http.RequestAborted));
}
