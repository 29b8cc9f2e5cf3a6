using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary><c>PUT /api/sessions/{id}/device</c>: an operator names a session as a device by hand.</summary>
internal static class SessionDeviceApi
{
    /// <summary>Largest body the route reads: a device id is at most 128 characters.</summary>
    public const int MaxBodyBytes = 4096;

    public static RouteGroupBuilder MapSessionDeviceApi(this RouteGroupBuilder api)
    {
        api.MapPut("/sessions/{id}/device", NameAsync).WithTags("Sessions").WithName("NameSessionDevice")
            .WithSummary("Name a live session as a device (when its first frames did not say, or said wrong).")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.NameDevice, DescribeAsync), new RequestSizeLimitAttribute(MaxBodyBytes));
        return api;
    }

    private static async Task<Results<Ok<SessionInfo>, ProblemHttpResult>> NameAsync(
        string id, DeviceNameRequest? request, SessionRegistry registry, IClusterView cluster, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        var deviceId = request?.DeviceId;
        if (!DeviceIdentifier.IsValidDeviceId(deviceId))
        {
            var invalid = $"deviceId must be 1 to {IdentifyOptions.MaxDeviceIdLength} characters of text without control characters.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.NameDevice, AuditResult.Invalid, null, [id], null, invalid));
            return ApiResults.BadRequest(invalid);
        }

        if (!registry.TryGet(id, out var session))
        {
            var where = cluster.TryGetRemoteSession(id, out var remote)
                ? ApiResults.Conflict($"Session '{id}' is on node '{remote.Node}': name it through that node's API.")
                : ApiResults.NotFound($"There is no live session '{id}'.");
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.NameDevice, where.StatusCode == StatusCodes.Status404NotFound ? AuditResult.NotFound : AuditResult.Invalid, null, [id], null, where.ProblemDetails.Detail));
            return where;
        }

        if (registry.Devices.TryGet(deviceId!, out var holder) && holder != session)
        {
            var taken = $"Device '{deviceId}' is already session '{holder.Id}'; kick that session first.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.NameDevice, AuditResult.Invalid, session.Listener.Name, [id], null, taken));
            return ApiResults.Conflict(taken);
        }

        // Recorded before it takes effect, like every operator action.
        var was = session.DeviceId is { } previous ? $" (was '{previous}')" : string.Empty;
        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.NameDevice, AuditResult.Allowed, session.Listener.Name, [id], null, $"Named device '{deviceId}'{was}."));
        if (session.ClaimDevice(deviceId!, replace: false, out holder) == DeviceClaim.Duplicate)
        {
            // Another session identified as the device in between.
            return ApiResults.Conflict($"Device '{deviceId}' is already session '{holder!.Id}'; kick that session first.");
        }

        return TypedResults.Ok(session.Snapshot() with { Node = cluster.LocalNode });
    }

    private static Task<AuditTarget> DescribeAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(null, [http.Request.RouteValues["id"]?.ToString() ?? string.Empty], null, "Naming a session as a device."));
}
