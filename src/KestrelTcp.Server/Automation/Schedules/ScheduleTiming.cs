using System.Globalization;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>
/// The slots a schedule runs at. Every slot is a pure function of the schedule's definition, never of
/// when a node started: <c>every N s</c> slots are multiples of N seconds since the Unix epoch, daily slots
/// are the time of day in UTC. So two nodes holding the same schedule compute the same slots, and the
/// cluster's claim on <c>(id, slot)</c> makes it run once.
/// </summary>
internal static class ScheduleTiming
{
    /// <summary>The first slot strictly after <paramref name="after"/>, or null when there is none (a once
    /// schedule whose time has passed).</summary>
    public static DateTimeOffset? NextAfter(Schedule schedule, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        switch (schedule.Kind)
        {
            case ScheduleKind.Every:
                var periodMs = (long)schedule.IntervalSeconds!.Value * 1000;
                var nowMs = after.ToUnixTimeMilliseconds();
                return DateTimeOffset.FromUnixTimeMilliseconds(((nowMs / periodMs) + 1) * periodMs);
            case ScheduleKind.Once:
                return schedule.At > after ? schedule.At : null;
            default:
                var time = ParseTimeOfDay(schedule.TimeOfDay!)!.Value;
                var day = new DateTimeOffset(after.UtcDateTime.Date, TimeSpan.Zero);
                for (var i = 0; i <= 7; i++, day = day.AddDays(1))
                {
                    var slot = day + time;
                    if (slot > after && (schedule.Days.Count == 0 || schedule.Days.Contains(slot.DayOfWeek)))
                    {
                        return slot;
                    }
                }

                return null;
        }
    }

    /// <summary>HH:mm (00:00 to 23:59) as a time since midnight, or null when it is not that.</summary>
    public static TimeSpan? ParseTimeOfDay(string text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time.ToTimeSpan() : null;
}
