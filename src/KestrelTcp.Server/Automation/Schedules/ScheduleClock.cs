namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>The time the schedules run by: the system's, or a test's (registered before the app's own).</summary>
internal sealed class ScheduleClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();
}
