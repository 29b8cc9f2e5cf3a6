using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary>
/// <c>POST /api/tags/{tag}/send</c> and <c>/kick</c>: a command to every online device with a tag, on any
/// node. The devices are found in the registry, their live sessions in the device directory (and the
/// cluster's); the command then goes as a session command (audited, routed to each session's owner), in
/// slices of at most <see cref="SessionCommands.MaxTargets"/> sessions. The answer says how many were reached.
/// </summary>
internal static class TagsApi
{
    public static RouteGroupBuilder MapTagsApi(this RouteGroupBuilder api)
    {
        var tags = api.MapGroup("/tags").WithTags("Devices");
        tags.MapPost("/{tag}/send", SendAsync).WithName("SendToTag").WithSummary("Send a payload to every online device with the tag.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.Send, DescribeTagAsync), new RequestSizeLimitAttribute(SessionsApi.MaxSendBodyBytes));
        tags.MapPost("/{tag}/kick", KickAsync).WithName("KickTag").WithSummary("Disconnect every online device with the tag.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.Kick, DescribeTagAsync));
        return api;
    }

    private static async Task<Results<Ok<TagCommandResponse>, ProblemHttpResult>> SendAsync(
        string tag, TagCommandRequest request, DeviceRegistry registry, DeviceSessions sessions, ClusterCommands commands, SessionCommands local, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (!DeviceFields.IsValidTag(tag))
        {
            var invalid = $"tag must be {DeviceFields.TagRule}.";
            await local.AuditAsync(actor, AuditAction.Send, CommandResult.Invalid(invalid), null, null, null, null);
            return ApiResults.BadRequest(invalid);
        }

        if (!PayloadDecoder.TryDecode(request.Text, request.Hex, request.Base64, out var payload, out var error))
        {
            await commands.RefusePayloadAsync(actor, AuditAction.Send, null, null, $"Tag '{tag}': {error}");
            return ApiResults.BadRequest(error);
        }

        return await RunAsync(tag, registry, sessions, actor, local, AuditAction.Send, payload, ids => commands.SendAsync(actor, ids, payload, http.RequestAborted));
    }

    private static async Task<Results<Ok<TagCommandResponse>, ProblemHttpResult>> KickAsync(
        string tag, DeviceRegistry registry, DeviceSessions sessions, ClusterCommands commands, SessionCommands local, HttpContext http, string? reason = null)
    {
        var actor = ApiResults.Actor(http);
        if (!DeviceFields.IsValidTag(tag))
        {
            var invalid = $"tag must be {DeviceFields.TagRule}.";
            await local.AuditAsync(actor, AuditAction.Kick, CommandResult.Invalid(invalid), null, null, null, null);
            return ApiResults.BadRequest(invalid);
        }

        var why = string.IsNullOrWhiteSpace(reason) ? $"Kicked by an operator (tag {tag})." : reason;
        return await RunAsync(tag, registry, sessions, actor, local, AuditAction.Kick, null, ids => commands.KickAsync(actor, ids, why, http.RequestAborted));
    }

    /// <summary>Finds the tag's online devices and runs the command on their sessions, slice by slice. A
    /// device that went offline between the lookup and the command (its session id unknown by then) makes
    /// the slice be looked up once more.</summary>
    private static async Task<Results<Ok<TagCommandResponse>, ProblemHttpResult>> RunAsync(
        string tag, DeviceRegistry registry, DeviceSessions sessions, CommandActor actor, SessionCommands local, AuditAction action, byte[]? payload,
        Func<IReadOnlyCollection<string>, Task<ClusterCommandResult>> command)
    {
        var devices = registry.Store.IdsWithTag(tag);
        var online = sessions.FindAll(devices);
        if (online.Count == 0)
        {
            await local.AuditAsync(actor, action, null, null, null, payload, $"Tag '{tag}': {devices.Count} devices, none online; nothing done.");
            return TypedResults.Ok(new TagCommandResponse(tag, devices.Count, 0, 0, [], new Dictionary<string, SendResult>()));
        }

        var reached = new List<string>();
        var failed = new Dictionary<string, SendResult>(StringComparer.Ordinal);
        foreach (var slice in online.Chunk(SessionCommands.MaxTargets))
        {
            var result = await command(slice);
            if (result.Result.Status == CommandStatus.NotFound)
            {
                var again = sessions.FindAll([.. devices]).Intersect(slice, StringComparer.Ordinal).ToList();
                result = again.Count == 0 ? new ClusterCommandResult(CommandResult.Ok([], null, 0), null) : await command(again);
            }

            if (result.Unanswered is null && result.Result.Status != CommandStatus.Ok)
            {
                return action == AuditAction.Send ? (ProblemHttpResult)ApiResults.FromSend(result).Result : (ProblemHttpResult)ApiResults.FromKick(result).Result;
            }

            reached.AddRange(result.Result.Sessions);
            foreach (var (id, why) in result.Result.Failed)
            {
                failed[id] = why;
            }
        }

        return TypedResults.Ok(new TagCommandResponse(tag, devices.Count, online.Count, reached.Count, reached, failed));
    }

    private static Task<AuditTarget> DescribeTagAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(null, null, null, $"Tag '{http.Request.RouteValues["tag"]}'."));
}
