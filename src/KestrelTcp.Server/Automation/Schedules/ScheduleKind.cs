namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>When a schedule runs.</summary>
public enum ScheduleKind
{
    /// <summary>Every <c>intervalSeconds</c>, on slots aligned to the Unix epoch (so every node computes the same slots).</summary>
    Every,

    /// <summary>At <c>timeOfDay</c> (UTC, HH:mm), on the listed <c>days</c> (every day when none).</summary>
    Daily,

    /// <summary>Once, at <c>at</c>.</summary>
    Once,
}
