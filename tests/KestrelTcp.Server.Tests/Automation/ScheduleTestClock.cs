using KestrelTcp.Server.Automation.Schedules;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Automation;

/// <summary>A time the test sets, whose timers never fire: the schedules' own tick never runs, and the test
/// drives them with <see cref="ScheduleRunner.RunDueAsync"/> at the times it chooses (no sleeping).</summary>
internal sealed class ScheduleTestClock : TimeProvider
{
    private long _nowMs;

    public ScheduleTestClock(DateTimeOffset start) => _nowMs = start.ToUnixTimeMilliseconds();

    public DateTimeOffset Now
    {
        get => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _nowMs));
        set => Interlocked.Exchange(ref _nowMs, value.ToUnixTimeMilliseconds());
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

    /// <summary>Makes the server's schedules run by this clock.</summary>
    public void Register(WebApplicationBuilder builder) => builder.Services.AddSingleton(new ScheduleClock(this));

    private sealed class NeverTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
