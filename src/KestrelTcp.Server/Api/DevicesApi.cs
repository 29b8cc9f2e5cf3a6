using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/devices</c> routes: the durable registry, editing it, commands by device and the pending queue.</summary>
internal static class DevicesApi
{
    /// <summary>Largest PATCH body: 32 tags of 64, 4,096 characters of notes and an alias, as JSON, fit in 64 KiB.</summary>
    public const int MaxUpdateBodyBytes = 64 * 1024;

    /// <summary>Default page size for <c>GET /api/devices</c>.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Largest page size (as for sessions).</summary>
    public const int MaxPageSize = SessionsApi.MaxPageSize;

    /// <summary>Longest text filter <c>q</c>.</summary>
    public const int MaxQueryLength = 256;

    public static RouteGroupBuilder MapDevicesApi(this RouteGroupBuilder api)
    {
        var devices = api.MapGroup("/devices").WithTags("Devices");
        devices.MapGet("/", List).WithName("ListDevices").WithSummary("Every registered device, online or not, filtered, sorted and paged.");
        devices.MapGet("/export", DevicesExport.ExportAsync).WithName("ExportDevices").WithSummary("The whole registry as CSV or JSON, streamed.");
        devices.MapGet("/{id}", Get).WithName("GetDevice").WithSummary("One registered device.");
        devices.MapPatch("/{id}", UpdateAsync).WithName("UpdateDevice").WithSummary("Set a device's alias, tags or notes.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.UpdateDevice, DescribeDeviceAsync), new RequestSizeLimitAttribute(MaxUpdateBodyBytes));
        devices.MapDelete("/{id}", ForgetAsync).WithName("ForgetDevice").WithSummary("Forget a device (it is registered again when it next identifies).")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.ForgetDevice, DescribeDeviceAsync));
        devices.MapPost("/{id}/send", SendAsync).WithName("SendToDevice").WithSummary("Send a payload to a device's live session, on any node; or queue it while the device is offline.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.Send, DescribeDeviceAsync), new RequestSizeLimitAttribute(SessionsApi.MaxSendBodyBytes));
        devices.MapGet("/{id}/pending", Pending).WithName("ListDevicePending").WithSummary("Messages waiting for a device, oldest first.");
        devices.MapDelete("/{id}/pending", CancelAsync).WithName("CancelDevicePending").WithSummary("Cancel every message waiting for a device.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.CancelPending, DescribeDeviceAsync));
        devices.MapDelete("/{id}/pending/{pendingId:long}", CancelOneAsync).WithName("CancelDevicePendingMessage").WithSummary("Cancel one message waiting for a device.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.CancelPending, DescribeDeviceAsync));
        return api;
    }

    private static Results<Ok<DevicePage>, ProblemHttpResult> List(
        DeviceRegistry registry,
        DeviceTracker tracker,
        DeviceSessions sessions,
        string? q = null,
        string? tag = null,
        bool? online = null,
        string? sort = null,
        int page = 1,
        int pageSize = DefaultPageSize)
    {
        if (ApiResults.InvalidPage(page, pageSize, MaxPageSize) is { } invalid)
        {
            return invalid;
        }

        if (q is { Length: > MaxQueryLength })
        {
            return ApiResults.BadRequest($"q must be at most {MaxQueryLength} characters (was {q.Length}).");
        }

        if (tag is not null && !DeviceFields.IsValidTag(tag))
        {
            return ApiResults.BadRequest($"tag must be {DeviceFields.TagRule}.");
        }

        var descending = sort?.StartsWith('-') == true;
        var sortName = sort?.TrimStart('-', '+');
        if (string.IsNullOrEmpty(sortName))
        {
            sortName = "lastSeenAt";
            descending = sort is null || descending;
        }
        else if (!DeviceStore.SortColumns.ContainsKey(sortName))
        {
            return ApiResults.BadRequest($"sort must be one of {string.Join(", ", DeviceStore.SortColumns.Keys)}, with '-' in front for descending (was '{sort}').");
        }

        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var (items, total) = registry.Store.Query(new DeviceQuery(text, tag, online, sortName, descending, (long)(page - 1) * pageSize, pageSize));
        return TypedResults.Ok(new DevicePage([.. sessions.WithClusterState(items).Select(d => WithPending(registry, d))], total, page, pageSize, Status(registry, tracker)));
    }

    private static Results<Ok<DeviceInfo>, ProblemHttpResult> Get(string id, DeviceRegistry registry, DeviceSessions sessions) =>
        TryCheckId(id, out var bad) && registry.Store.Get(id) is { } device
            ? TypedResults.Ok(WithPending(registry, sessions.WithClusterState([device])[0]))
            : bad ?? ApiResults.NotFound($"There is no registered device '{id}'.");

    private static async Task<Results<Ok<DeviceInfo>, ProblemHttpResult>> UpdateAsync(string id, DeviceUpdateRequest? request, DeviceRegistry registry, IDeviceEdits edits, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        var problem = !TryCheckId(id, out var bad) ? bad!.ProblemDetails.Detail
            : request is null || (request.Alias is null && request.Tags is null && request.Notes is null) ? "Give at least one of alias, tags or notes."
            : !DeviceFields.TryCheckAlias(request.Alias, out var error) || !DeviceFields.TryCheckNotes(request.Notes, out error) ? error
            : null;
        List<string>? tags = null;
        if (problem is null && request!.Tags is not null && !DeviceFields.TryCheckTags(request.Tags, out tags, out var tagError))
        {
            problem = tagError;
        }

        if (problem is not null)
        {
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.UpdateDevice, AuditResult.Invalid, null, null, null, $"Device '{Cut(id)}': {problem}"));
            return ApiResults.BadRequest(problem);
        }

        if (registry.Store.Get(id) is null)
        {
            var missing = $"There is no registered device '{id}'.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.UpdateDevice, AuditResult.NotFound, null, null, null, missing));
            return ApiResults.NotFound(missing);
        }

        var what = string.Join(", ", new[]
        {
            request!.Alias is null ? null : $"alias '{request.Alias}'",
            tags is null ? null : $"tags [{string.Join(' ', tags)}]",
            request.Notes is null ? null : $"notes ({request.Notes.Length} characters)",
        }.OfType<string>());
        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.UpdateDevice, AuditResult.Allowed, null, null, null, $"Device '{Cut(id)}': {what}."));
        var updated = registry.Store.Update(id, request.Alias, tags, request.Notes);
        if (updated is null)
        {
            return ApiResults.NotFound($"There is no registered device '{id}'.");
        }

        edits.Updated(updated);
        return TypedResults.Ok(WithPending(registry, updated));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ForgetAsync(string id, DeviceRegistry registry, IDeviceEdits edits, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (!TryCheckId(id, out var bad))
        {
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.ForgetDevice, AuditResult.Invalid, null, null, null, bad!.ProblemDetails.Detail));
            return bad;
        }

        if (registry.Store.Get(id) is null)
        {
            var missing = $"There is no registered device '{id}'.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.ForgetDevice, AuditResult.NotFound, null, null, null, missing));
            return ApiResults.NotFound(missing);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.ForgetDevice, AuditResult.Allowed, null, null, null, $"Forgot device '{Cut(id)}' and the messages waiting for it."));
        if (registry.Store.Delete(id))
        {
            registry.Forgot(id);
        }

        edits.Forgotten(id);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<SendResponse>, Accepted<DeviceQueuedResponse>, ProblemHttpResult>> SendAsync(
        string id, DeviceSendRequest request, DeviceRegistry registry, DeviceSessions sessions, ClusterCommands commands, SessionCommands local, ListenerCatalog listeners, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (!TryCheckId(id, out var bad))
        {
            await local.AuditAsync(actor, AuditAction.Send, CommandResult.Invalid(bad!.ProblemDetails.Detail!), null, null, null, null);
            return bad;
        }

        if (!PayloadDecoder.TryDecode(request.Text, request.Hex, request.Base64, out var payload, out var error))
        {
            return FromSend(await commands.RefusePayloadAsync(actor, AuditAction.Send, null, null, $"Device '{Cut(id)}': {error}"));
        }

        if (registry.Pending.CountFor(id) > 0 && sessions.FindLocal(id) is { } here)
        {
            // Back online here with messages still waiting: those go first, so the device gets them in order.
            registry.Pending.Deliver(id, here);
        }

        if (sessions.Find(id) is { } sessionId)
        {
            // Live (here or on another node): the session command, routed to its owner and audited there as a send.
            return FromSend(await commands.SendAsync(actor, [sessionId], payload, http.RequestAborted));
        }

        var device = registry.Store.Get(id);
        CommandResult? problem = device is null ? CommandResult.NotFound($"There is no registered device '{id}'.")
            : !request.Queue ? CommandResult.Invalid($"Device '{id}' is offline; send with \"queue\": true to queue the message until it next identifies.")
            : null;
        var action = request.Queue ? AuditAction.QueueSend : AuditAction.Send;
        if (problem is null && device!.Listener is { } listenerName && listeners.Find(listenerName) is { } listener
            && !SessionCommands.TryValidatePayload([listener], payload, out var invalid))
        {
            problem = invalid;
        }

        var check = problem is null ? registry.Pending.Check(id, payload.Length) : PendingAdd.Queued;
        if (check != PendingAdd.Queued)
        {
            problem = CommandResult.Invalid(PendingRefusal(check, registry.Options.Pending, id));
        }

        if (problem is not null)
        {
            await local.AuditAsync(actor, action, problem, device?.Listener, null, payload, null);
            return problem.Status == CommandStatus.NotFound ? ApiResults.NotFound(problem.Error!)
                : check != PendingAdd.Queued || !request.Queue ? ApiResults.Conflict(problem.Error!)
                : ApiResults.BadRequest(problem.Error!);
        }

        await local.AuditAsync(actor, action, null, device!.Listener, null, payload, $"Queued for offline device '{Cut(id)}'.");
        var added = registry.Pending.TryAdd(id, payload, actor.Name, out var queued);
        if (added != PendingAdd.Queued)
        {
            return ApiResults.Conflict(PendingRefusal(added, registry.Options.Pending, id));
        }

        return TypedResults.Accepted((string?)null, new DeviceQueuedResponse(id, queued!, registry.Pending.CountFor(id)));
    }

    private static Results<Ok<PendingMessage[]>, ProblemHttpResult> Pending(string id, DeviceRegistry registry) =>
        TryCheckId(id, out var bad) && registry.Store.Get(id) is not null
            ? TypedResults.Ok(registry.Pending.List(id).ToArray())
            : bad ?? ApiResults.NotFound($"There is no registered device '{id}'.");

    private static Task<Results<Ok<PendingCancelled>, ProblemHttpResult>> CancelAsync(string id, DeviceRegistry registry, AuditLog audit, HttpContext http) =>
        CancelCoreAsync(id, null, registry, audit, http);

    private static Task<Results<Ok<PendingCancelled>, ProblemHttpResult>> CancelOneAsync(string id, long pendingId, DeviceRegistry registry, AuditLog audit, HttpContext http) =>
        CancelCoreAsync(id, pendingId, registry, audit, http);

    private static async Task<Results<Ok<PendingCancelled>, ProblemHttpResult>> CancelCoreAsync(string id, long? pendingId, DeviceRegistry registry, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (!TryCheckId(id, out var bad))
        {
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.CancelPending, AuditResult.Invalid, null, null, null, bad!.ProblemDetails.Detail));
            return bad;
        }

        if (registry.Store.Get(id) is null || (pendingId is { } one && registry.Pending.List(id).All(p => p.Id != one)))
        {
            var missing = pendingId is null ? $"There is no registered device '{id}'." : $"Device '{id}' has no pending message {pendingId}.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.CancelPending, AuditResult.NotFound, null, null, null, missing));
            return ApiResults.NotFound(missing);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.CancelPending, AuditResult.Allowed, null, null, null,
            pendingId is null ? $"Cancelled every message waiting for device '{Cut(id)}'." : $"Cancelled pending message {pendingId} of device '{Cut(id)}'."));
        var cancelled = registry.Pending.Cancel(id, pendingId);
        return TypedResults.Ok(new PendingCancelled(id, cancelled, registry.Pending.CountFor(id)));
    }

    internal static string PendingRefusal(PendingAdd check, PendingOptions options, string id) => check switch
    {
        PendingAdd.DeviceCountFull => $"Device '{id}' already has {options.MaxPerDevice} messages waiting (KestrelTcp:Devices:Pending:MaxPerDevice); cancel some or wait for it to come back.",
        PendingAdd.DeviceBytesFull => $"The messages waiting for device '{id}' would exceed {options.MaxBytesPerDevice} bytes (KestrelTcp:Devices:Pending:MaxBytesPerDevice).",
        _ => $"The messages waiting for all devices would exceed {options.MaxTotalBytes} bytes (KestrelTcp:Devices:Pending:MaxTotalBytes).",
    };

    /// <summary>A device id in a route: 1 to 128 characters (longer is no device's id), as the data path allows.</summary>
    internal static bool TryCheckId(string id, out ProblemHttpResult? bad)
    {
        bad = DeviceIdentifier.IsValidDeviceId(id) ? null
            : ApiResults.BadRequest($"id: a device id is 1 to {IdentifyOptions.MaxDeviceIdLength} characters of text without control characters.");
        return bad is null;
    }

    internal static DeviceRegistryStatus Status(DeviceRegistry registry, DeviceTracker tracker) => new(
        registry.DeviceCount, registry.Options.MaxDevices, registry.Refused, tracker.Dropped, registry.Pending.TotalBytes, registry.Pending.Delivered, registry.Pending.Expired);

    private static DeviceInfo WithPending(DeviceRegistry registry, DeviceInfo device) =>
        registry.Pending.CountFor(device.Id) is var pending and > 0 ? device with { Pending = pending } : device;

    private static Results<Accepted<SendResponse>, Accepted<DeviceQueuedResponse>, ProblemHttpResult> FromSend(Cluster.Routing.ClusterCommandResult result) =>
        ApiResults.FromSend(result).Result switch
        {
            Accepted<SendResponse> accepted => accepted,
            ProblemHttpResult problem => problem,
            var other => throw new InvalidOperationException($"Unexpected result {other}."),
        };

    private static string Cut(string id) => id.Length > 64 ? id[..64] + "…" : id;

    private static Task<AuditTarget> DescribeDeviceAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(null, null, null, $"Device '{http.Request.RouteValues["id"]}'."));
}
