namespace KestrelTcp.Server.Api;

/// <summary>A schedule to create (<c>POST /api/schedules</c>) or replace (<c>PUT /api/schedules/{id}</c>).</summary>
/// <param name="Id">Optional on create (made up when absent): 1 to 64 letters, digits, '-', '_' or '.'.</param>
/// <param name="Name">A label, up to 100 characters.</param>
/// <param name="TargetKind"><c>session</c>, <c>device</c>, <c>tag</c>, <c>listener</c> or <c>all</c>.</param>
/// <param name="Target">The session id, device id, tag or listener name (none for <c>all</c>).</param>
/// <param name="Text">The payload as text, with <c>{counter}</c> and <c>{time}</c> macros.</param>
/// <param name="Hex">The payload as hex, with the same macros (each 4 bytes big-endian).</param>
/// <param name="Kind"><c>every</c>, <c>daily</c> or <c>once</c>.</param>
/// <param name="IntervalSeconds">For <c>every</c>: 1 s to 30 days.</param>
/// <param name="TimeOfDay">For <c>daily</c>: HH:mm in UTC.</param>
/// <param name="Days">For <c>daily</c>: day names (<c>Mon</c> or <c>Monday</c>); none = every day.</param>
/// <param name="At">For <c>once</c>: when, in the future.</param>
/// <param name="Enabled">Whether it starts at once (default true).</param>
public sealed record ScheduleRequest(
    string? Id = null,
    string? Name = null,
    string? TargetKind = null,
    string? Target = null,
    string? Text = null,
    string? Hex = null,
    string? Kind = null,
    int? IntervalSeconds = null,
    string? TimeOfDay = null,
    IReadOnlyList<string>? Days = null,
    DateTimeOffset? At = null,
    bool? Enabled = null);
