using System.Text;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Devices;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>Turns a <see cref="ScheduleRequest"/> into a <see cref="Schedule"/>, or says which field is wrong.</summary>
internal static partial class ScheduleDefinition
{
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 100;
    public const string IdRule = "1 to 64 letters, digits, '-', '_' or '.'";

    public static bool IsValidId(string? id) => id is { Length: > 0 and <= MaxIdLength } && IdPattern().IsMatch(id);

    /// <summary>The schedule <paramref name="request"/> describes, made by <paramref name="createdBy"/>; for a
    /// replacement, <paramref name="existing"/> keeps its creator, counter and last run.</summary>
    public static bool TryBuild(ScheduleRequest request, string id, Schedule? existing, string createdBy, DateTimeOffset now, int maxPayloadBytes, out Schedule schedule, out string error)
    {
        ArgumentNullException.ThrowIfNull(request);
        schedule = null!;
        error = string.Empty;
        if (request.Name is { Length: > MaxNameLength })
        {
            return Fail($"name must be at most {MaxNameLength} characters (was {request.Name.Length}).", out error);
        }

        if (!Enum.TryParse<ScheduleTargetKind>(request.TargetKind, ignoreCase: true, out var targetKind) || !Enum.IsDefined(targetKind) || int.TryParse(request.TargetKind, out _))
        {
            return Fail("targetKind must be one of session, device, tag, listener, all.", out error);
        }

        var target = string.IsNullOrWhiteSpace(request.Target) ? null : request.Target.Trim();
        if (targetKind == ScheduleTargetKind.All)
        {
            target = null;
        }
        else if (target is null)
        {
            return Fail($"target is required for targetKind {targetKind.ToString().ToLowerInvariant()}.", out error);
        }
        else if (target.Length > SessionCommands.MaxSessionIdLength)
        {
            return Fail($"target must be at most {SessionCommands.MaxSessionIdLength} characters (was {target.Length}).", out error);
        }
        else if (targetKind == ScheduleTargetKind.Tag && !DeviceFields.IsValidTag(target))
        {
            return Fail($"target: a tag must be {DeviceFields.TagRule}.", out error);
        }

        if ((request.Text is null) == (request.Hex is null))
        {
            return Fail("Give exactly one of text or hex.", out error);
        }

        var size = request.Text is not null ? Encoding.UTF8.GetByteCount(request.Text) : request.Hex!.Length / 2;
        if (size > maxPayloadBytes)
        {
            return Fail($"{(request.Text is not null ? "text" : "hex")} must be at most {maxPayloadBytes} bytes (KestrelTcp:Schedules:MaxPayloadBytes; was {size}).", out error);
        }

        if (size == 0)
        {
            return Fail($"{(request.Text is not null ? "text" : "hex")} must not be empty.", out error);
        }

        if (request.Hex is not null && PayloadTemplate.Expand(null, request.Hex, 0, now, out var hexError) is null)
        {
            return Fail(hexError!, out error);
        }

        if (!Enum.TryParse<ScheduleKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(request.Kind, out _))
        {
            return Fail("kind must be one of every, daily, once.", out error);
        }

        int? interval = null;
        string? timeOfDay = null;
        List<DayOfWeek> days = [];
        DateTimeOffset? at = null;
        switch (kind)
        {
            case ScheduleKind.Every:
                if (request.IntervalSeconds is not { } seconds || seconds < SchedulesOptions.MinIntervalSeconds || seconds > SchedulesOptions.MaxIntervalSeconds)
                {
                    return Fail($"intervalSeconds must be between {SchedulesOptions.MinIntervalSeconds} and {SchedulesOptions.MaxIntervalSeconds} for kind every (was {request.IntervalSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}).", out error);
                }

                interval = seconds;
                break;
            case ScheduleKind.Daily:
                if (request.TimeOfDay is null || ScheduleTiming.ParseTimeOfDay(request.TimeOfDay) is null)
                {
                    return Fail("timeOfDay must be HH:mm (00:00 to 23:59, UTC) for kind daily.", out error);
                }

                timeOfDay = request.TimeOfDay;
                foreach (var day in request.Days ?? [])
                {
                    if (!TryParseDay(day, out var parsed))
                    {
                        return Fail($"days: '{(day is { Length: > 20 } ? day[..20] : day)}' is not a day of the week (Mon..Sun or Monday..Sunday).", out error);
                    }

                    if (!days.Contains(parsed))
                    {
                        days.Add(parsed);
                    }
                }

                break;
            default:
                if (request.At is not { } when || when <= now)
                {
                    return Fail("at must be a time in the future for kind once.", out error);
                }

                at = when.ToUniversalTime();
                break;
        }

        var enabled = request.Enabled ?? existing?.Enabled ?? true;
        schedule = new Schedule(id, request.Name, targetKind, target, request.Text, request.Hex, kind, interval, timeOfDay, days, at, enabled,
            existing?.CreatedBy ?? createdBy, existing?.CreatedAt ?? now, null, existing?.LastRunAt, existing?.LastResult, existing?.Counter ?? 0);
        schedule = schedule with { NextRunAt = enabled ? ScheduleTiming.NextAfter(schedule, now) : null };
        return true;
    }

    private static bool TryParseDay(string? text, out DayOfWeek day)
    {
        day = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 3)
        {
            return false;
        }

        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            var name = candidate.ToString();
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) || (text.Length == 3 && name.StartsWith(text, StringComparison.OrdinalIgnoreCase)))
            {
                day = candidate;
                return true;
            }
        }

        return false;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex IdPattern();
}
