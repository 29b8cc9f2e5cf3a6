using KestrelTcp.Protocols;
using KestrelTcp.Server.Automation.Recording;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelTcp.Server.Api;

/// <summary>Session recordings: <c>/api/sessions/{id}/recording</c> starts and stops one; <c>/api/recordings</c>
/// lists, downloads, deletes and replays the files.</summary>
internal static class RecordingsApi
{
    /// <summary>Largest replay speed.</summary>
    public const double MaxSpeed = 1000;

    public static RouteGroupBuilder MapRecordingsApi(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/sessions/{id}/recording").WithTags("Recordings");
        session.MapPost("/", StartAsync).WithName("StartRecording").WithSummary("Record this session's frames, with their timings, to a file.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.StartRecording));
        session.MapDelete("/", StopAsync).WithName("StopRecording").WithSummary("Stop this session's recording.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.StopRecording));

        var recordings = api.MapGroup("/recordings").WithTags("Recordings");
        recordings.MapGet("/", (Recordings all) => TypedResults.Ok(all.List())).WithName("ListRecordings").WithSummary("The recording files, newest first.");
        recordings.MapGet("/{name}", Download).WithName("DownloadRecording").WithSummary("One recording file (ktcp-recording JSON Lines).");
        recordings.MapDelete("/{name}", DeleteAsync).WithName("DeleteRecording").WithSummary("Delete a finished recording.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.DeleteRecording));
        recordings.MapPost("/{name}/replay", ReplayAsync).WithName("ReplayRecording").WithSummary("Send a recording's server-to-device frames to a live session, at the recorded pace times speed.")
            .RequireAuthorization(AuthorizationPolicies.Operator).WithMetadata(new AuditedAction(AuditAction.ReplayRecording));
        return api;
    }

    private static async Task<Results<Created<RecordingInfo>, ProblemHttpResult>> StartAsync(string id, SessionRegistry registry, Recordings recordings, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (!registry.TryGet(id, out var session))
        {
            var missing = $"There is no live session '{id}' on this node.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.StartRecording, AuditResult.NotFound, null, [id], null, missing));
            return ApiResults.NotFound(missing);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.StartRecording, AuditResult.Allowed, session.Listener.Name, [id], null, "Record the session."));
        if (recordings.TryStart(session, out var recording) is { } problem)
        {
            return ApiResults.BadRequest(problem);
        }

        var info = new RecordingInfo(recording!.Name, 0, recording.StartedAt, id, true, 0, 0);
        return TypedResults.Created($"/api/recordings/{recording.Name}", info);
    }

    private static async Task<Results<Ok<RecordingInfo>, ProblemHttpResult>> StopAsync(string id, Recordings recordings, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (recordings.ActiveFor(id) is not { } recording)
        {
            var missing = $"Session '{id}' is not being recorded.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.StopRecording, AuditResult.NotFound, null, [id], null, missing));
            return ApiResults.NotFound(missing);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.StopRecording, AuditResult.Allowed, recording.Session.Listener.Name, [id], null, $"Stop recording {recording.Name}."));
        recording.Stop("stopped by " + actor.Name);
        await recording.Completion.WaitAsync(TimeSpan.FromSeconds(30), http.RequestAborted);
        return TypedResults.Ok(new RecordingInfo(recording.Name, recording.Bytes, DateTimeOffset.UtcNow, id, false, recording.Frames, recording.Dropped));
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> Download(string name, Recordings recordings) =>
        recordings.PathOf(name) is { } path
            ? TypedResults.PhysicalFile(path, "application/x-ndjson", name)
            : ApiResults.NotFound($"There is no recording named '{name}'.");

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, Recordings recordings, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (recordings.PathOf(name) is null)
        {
            var missing = $"There is no recording named '{name}'.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.DeleteRecording, AuditResult.NotFound, null, null, null, missing));
            return ApiResults.NotFound(missing);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.DeleteRecording, AuditResult.Allowed, null, null, null, $"Delete recording {name}."));
        return recordings.TryDelete(name) is { } problem ? ApiResults.BadRequest(problem) : TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<RecordingReplayResponse>, ProblemHttpResult>> ReplayAsync(string name, RecordingReplayRequest? request, Recordings recordings, SessionRegistry registry, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        var speed = request?.Speed ?? 0;
        string? problem = recordings.PathOf(name) is null ? $"There is no recording named '{name}'."
            : request?.SessionId is not { Length: > 0 } ? "sessionId is required: the live session the recorded frames are sent to."
            : !registry.TryGet(request.SessionId, out _) ? $"sessionId: there is no live session '{request.SessionId}' on this node."
            : double.IsNaN(speed) || speed < 0 || speed > MaxSpeed ? $"speed must be between 0 (as fast as possible) and {MaxSpeed} (was {speed})."
            : null;
        if (problem is not null)
        {
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.ReplayRecording, AuditResult.Invalid, null, request?.SessionId is { } s ? [s] : null, null, problem));
            return ApiResults.BadRequest(problem);
        }

        registry.TryGet(request!.SessionId!, out var session);
        List<RecordedFrame> frames;
        try
        {
            using var reader = new StreamReader(recordings.PathOf(name)!);
            frames = RecordingFile.Read(reader).Frames;
        }
        catch (InvalidDataException ex)
        {
            return ApiResults.BadRequest($"Recording '{name}' cannot be read: {ex.Message}");
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.ReplayRecording, AuditResult.Allowed, session.Listener.Name, [session.Id], null, $"Replay {name} at speed {speed}."));
        if (RecordingReplay.TryStart(frames, session, speed, out var count) is { } refused)
        {
            return ApiResults.BadRequest(refused);
        }

        return TypedResults.Accepted((string?)null, new RecordingReplayResponse(name, session.Id, count, speed));
    }
}
