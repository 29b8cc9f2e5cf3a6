namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>
/// Scheduled and periodic sends, configured under <c>KestrelTcp:Schedules</c>. The schedules themselves
/// are made through <c>/api/schedules</c> and kept in <c>{DataPath}/schedules.db</c>.
/// </summary>
public sealed class SchedulesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Schedules";

    /// <summary>Default <see cref="MaxSchedules"/>: 500.</summary>
    public const int DefaultMaxSchedules = 500;

    /// <summary>Default <see cref="MaxPayloadBytes"/>: 64 KiB.</summary>
    public const int DefaultMaxPayloadBytes = 64 * 1024;

    /// <summary>The shortest interval of an <c>every</c> schedule, in seconds; not configurable.</summary>
    public const int MinIntervalSeconds = 1;

    /// <summary>The longest interval of an <c>every</c> schedule: 30 days.</summary>
    public const int MaxIntervalSeconds = 30 * 24 * 3600;

    /// <summary>Where the schedules are kept. Default <c>{DataPath}/schedules.db</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Most schedules kept (1 to 10,000, default 500: each costs a timer check per second and a
    /// send per run). Creating one more is a 400 naming the limit.</summary>
    public int MaxSchedules { get; set; } = DefaultMaxSchedules;

    /// <summary>Largest payload of a schedule, text or hex, before macros are expanded (1 to 1 MiB, default
    /// 64 KiB, the default largest frame). The listener's own frame limit still applies at send time.</summary>
    public int MaxPayloadBytes { get; set; } = DefaultMaxPayloadBytes;
}
