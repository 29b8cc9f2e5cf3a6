using KestrelTcp.Server.Automation.Schedules;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Api;

/// <summary>
/// <c>/api/schedules</c>: scheduled and periodic sends. Reading needs a Viewer; creating, changing,
/// starting, stopping, running and deleting need an Operator and are audited (the change, then each run
/// as the creator plus the schedule).
/// </summary>
internal static class SchedulesApi
{
    /// <summary>Largest request body: a payload at the largest <see cref="SchedulesOptions.MaxPayloadBytes"/>
    /// as hex, plus the rest of the definition.</summary>
    public const long MaxBodyBytes = (2L * 1024 * 1024) + (64 * 1024);

    public static RouteGroupBuilder MapSchedulesApi(this RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("/", (ScheduleStore store) => TypedResults.Ok(store.All())).WithName("ListSchedules").WithSummary("Every schedule with its next run and last result.");
        schedules.MapGet("/{id}", Get).WithName("GetSchedule").WithSummary("One schedule.");
        Operator(schedules.MapPost("/", CreateAsync).WithName("CreateSchedule").WithSummary("Create a schedule.")).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        Operator(schedules.MapPut("/{id}", ReplaceAsync).WithName("ReplaceSchedule").WithSummary("Replace a schedule's definition (its counter and last run are kept).")).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        Operator(schedules.MapDelete("/{id}", DeleteAsync).WithName("DeleteSchedule").WithSummary("Delete a schedule."));
        Operator(schedules.MapPost("/{id}/start", (string id, ScheduleStore store, ScheduleClock clock, SessionCommands local, HttpContext http) => SetEnabledAsync(id, true, store, clock, local, http)).WithName("StartSchedule").WithSummary("Start a schedule from its next slot."));
        Operator(schedules.MapPost("/{id}/stop", (string id, ScheduleStore store, ScheduleClock clock, SessionCommands local, HttpContext http) => SetEnabledAsync(id, false, store, clock, local, http)).WithName("StopSchedule").WithSummary("Stop a schedule."));
        Operator(schedules.MapPost("/{id}/run", RunAsync).WithName("RunSchedule").WithSummary("Run a schedule now, on this node."));
        return api;
    }

    private static RouteHandlerBuilder Operator(RouteHandlerBuilder endpoint) =>
        endpoint.RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.ChangeSchedule, DescribeAsync));

    private static Results<Ok<Schedule>, ProblemHttpResult> Get(string id, ScheduleStore store) =>
        store.Get(id) is { } schedule ? TypedResults.Ok(schedule) : ApiResults.NotFound($"There is no schedule '{Cut(id)}'.");

    private static async Task<Results<Created<Schedule>, ProblemHttpResult>> CreateAsync(
        ScheduleRequest request, ScheduleStore store, ScheduleClock clock, IOptions<SchedulesOptions> options, SessionCommands local, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        var id = request.Id ?? Guid.NewGuid().ToString("N")[..12];
        if (!ScheduleDefinition.IsValidId(id))
        {
            return await RefuseAsync(local, actor, $"id must be {ScheduleDefinition.IdRule}.");
        }

        if (!ScheduleDefinition.TryBuild(request, id, null, actor.Name, clock.Now, options.Value.MaxPayloadBytes, out var schedule, out var error))
        {
            return await RefuseAsync(local, actor, error);
        }

        if (store.Get(id) is not null)
        {
            await local.AuditAsync(actor, AuditAction.ChangeSchedule, CommandResult.Invalid("exists"), null, null, null, $"Create schedule {id}: it exists already.");
            return ApiResults.Conflict($"A schedule '{id}' exists already: PUT /api/schedules/{id} replaces it.");
        }

        var max = options.Value.MaxSchedules;
        if (store.Count() >= max)
        {
            return await RefuseAsync(local, actor, $"There are {max} schedules already (KestrelTcp:Schedules:MaxSchedules): delete one first.");
        }

        await local.AuditAsync(actor, AuditAction.ChangeSchedule, null, null, null, null, $"Create schedule {id}: {Describe(schedule)}.");
        if (!store.Insert(schedule, max))
        {
            return ApiResults.BadRequest($"There are {max} schedules already (KestrelTcp:Schedules:MaxSchedules): delete one first.");
        }

        return TypedResults.Created($"/api/schedules/{id}", store.Get(id));
    }

    private static async Task<Results<Ok<Schedule>, ProblemHttpResult>> ReplaceAsync(
        string id, ScheduleRequest request, ScheduleStore store, ScheduleClock clock, IOptions<SchedulesOptions> options, SessionCommands local, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (store.Get(id) is not { } existing)
        {
            return ApiResults.NotFound($"There is no schedule '{Cut(id)}'.");
        }

        if (request.Id is not null && !string.Equals(request.Id, id, StringComparison.Ordinal))
        {
            return await RefuseAsync(local, actor, "id in the body must be the id in the path (or left out).");
        }

        if (!ScheduleDefinition.TryBuild(request, id, existing, actor.Name, clock.Now, options.Value.MaxPayloadBytes, out var schedule, out var error))
        {
            return await RefuseAsync(local, actor, error);
        }

        await local.AuditAsync(actor, AuditAction.ChangeSchedule, null, null, null, null, $"Replace schedule {id}: {Describe(schedule)}.");
        store.Update(schedule);
        return TypedResults.Ok(store.Get(id));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ScheduleStore store, SessionCommands local, HttpContext http)
    {
        if (store.Get(id) is null)
        {
            return ApiResults.NotFound($"There is no schedule '{Cut(id)}'.");
        }

        await local.AuditAsync(ApiResults.Actor(http), AuditAction.ChangeSchedule, null, null, null, null, $"Delete schedule {id}.");
        store.Delete(id);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Schedule>, ProblemHttpResult>> SetEnabledAsync(string id, bool enabled, ScheduleStore store, ScheduleClock clock, SessionCommands local, HttpContext http)
    {
        if (store.Get(id) is not { } schedule)
        {
            return ApiResults.NotFound($"There is no schedule '{Cut(id)}'.");
        }

        var next = enabled ? ScheduleTiming.NextAfter(schedule, clock.Now) : null;
        if (enabled && next is null)
        {
            return await RefuseAsync(local, ApiResults.Actor(http), $"Schedule {id} has no future slot (its time has passed): give it a new at first.");
        }

        await local.AuditAsync(ApiResults.Actor(http), AuditAction.ChangeSchedule, null, null, null, null, $"{(enabled ? "Start" : "Stop")} schedule {id}.");
        store.RecordRun(id, null, null, next, enabled);
        return TypedResults.Ok(store.Get(id));
    }

    private static async Task<Results<Ok<Schedule>, ProblemHttpResult>> RunAsync(string id, ScheduleRunner runner, HttpContext http)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        return await runner.RunNowAsync(id, ApiResults.Actor(http).Name, timeout.Token) is { } schedule
            ? TypedResults.Ok(schedule)
            : ApiResults.NotFound($"There is no schedule '{Cut(id)}'.");
    }

    private static async Task<ProblemHttpResult> RefuseAsync(SessionCommands local, CommandActor actor, string error)
    {
        await local.AuditAsync(actor, AuditAction.ChangeSchedule, CommandResult.Invalid(error), null, null, null, null);
        return ApiResults.BadRequest(error);
    }

    private static string Describe(Schedule s) =>
        $"{s.Kind} {(s.Kind == ScheduleKind.Every ? $"{s.IntervalSeconds} s" : s.Kind == ScheduleKind.Daily ? s.TimeOfDay : $"{s.At:u}")} to {s.TargetKind} {s.Target}";

    private static string Cut(string id) => id.Length > 64 ? id[..64] : id;

    private static Task<AuditTarget> DescribeAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(null, null, null, $"Schedule '{http.Request.RouteValues["id"]}'."));
}
