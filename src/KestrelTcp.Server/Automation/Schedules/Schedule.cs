namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>One scheduled send, as stored and as <c>/api/schedules</c> shows it.</summary>
/// <param name="Id">The schedule's id (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>; chosen by the client or made up).</param>
/// <param name="Name">A label for people.</param>
/// <param name="TargetKind">What it sends to.</param>
/// <param name="Target">The session id, device id, tag or listener name; null for <see cref="ScheduleTargetKind.All"/>.</param>
/// <param name="Text">The payload as text (with macros), or null.</param>
/// <param name="Hex">The payload as hex (with macros), or null.</param>
/// <param name="Kind">When it runs.</param>
/// <param name="IntervalSeconds">For <see cref="ScheduleKind.Every"/>.</param>
/// <param name="TimeOfDay">For <see cref="ScheduleKind.Daily"/>: HH:mm, UTC.</param>
/// <param name="Days">For <see cref="ScheduleKind.Daily"/>: the days it runs on; empty = every day.</param>
/// <param name="At">For <see cref="ScheduleKind.Once"/>.</param>
/// <param name="Enabled">Started (true) or stopped.</param>
/// <param name="CreatedBy">The user (or API key) that made it: its runs are audited as this actor plus the schedule.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="NextRunAt">The next slot it will run at, or null when stopped or done.</param>
/// <param name="LastRunAt">When it last ran.</param>
/// <param name="LastResult">What its last run did (how many sessions were reached, or why none).</param>
/// <param name="Counter">The value of <c>{counter}</c> at its last run (0 before the first).</param>
public sealed record Schedule(
    string Id,
    string? Name,
    ScheduleTargetKind TargetKind,
    string? Target,
    string? Text,
    string? Hex,
    ScheduleKind Kind,
    int? IntervalSeconds,
    string? TimeOfDay,
    IReadOnlyList<DayOfWeek> Days,
    DateTimeOffset? At,
    bool Enabled,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextRunAt,
    DateTimeOffset? LastRunAt,
    string? LastResult,
    long Counter);
