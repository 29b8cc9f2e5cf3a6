using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using StackExchange.Redis;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>
/// Runs the schedules: a tick every <see cref="TickPeriod"/> runs each started schedule whose slot has
/// come, once, then moves it to its first slot after now (a late tick never runs a schedule twice).
/// <para>Missed runs: a slot that passed while the server was down is skipped, never made up: at start
/// every started schedule whose next slot is in the past moves to its first future slot (a once schedule
/// whose time passed is stopped), and its last result says so.</para>
/// <para>Runs are audited as the schedule's creator plus the schedule (<c>alice (schedule poll)</c>), through
/// the same commands as the API. In a cluster each (schedule, slot) is claimed in Redis before it runs.</para>
/// </summary>
internal sealed class ScheduleRunner : BackgroundService
{
    /// <summary>How often due schedules are looked for: a run is at most this late.</summary>
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(250);

    private readonly ScheduleStore _store;
    private readonly ScheduleSender _sender;
    private readonly ScheduleClaims _claims;
    private readonly ScheduleClock _clock;
    private readonly ILogger<ScheduleRunner> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ScheduleRunner(ScheduleStore store, ScheduleSender sender, ScheduleClaims claims, ScheduleClock clock, ILogger<ScheduleRunner> logger)
    {
        _store = store;
        _sender = sender;
        _claims = claims;
        _clock = clock;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var skipped = SkipMissed(_clock.Now);
        _logger.SchedulesOpened(_store.Path, _store.Count(), skipped);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>The missed-run policy: every started schedule whose next slot is before <paramref name="now"/>
    /// moves to its first slot after now, without running. Returns how many were moved.</summary>
    internal int SkipMissed(DateTimeOffset now)
    {
        var skipped = 0;
        foreach (var schedule in _store.Due(now))
        {
            var next = ScheduleTiming.NextAfter(schedule, now);
            var result = next is null
                ? $"Missed its time ({schedule.NextRunAt:u}) while the server was down: skipped, not made up."
                : $"Missed slot {schedule.NextRunAt:u} while the server was down: skipped to {next:u}, not made up.";
            _store.RecordRun(schedule.Id, null, result, next, enabled: next is not null);
            skipped++;
        }

        return skipped;
    }

    /// <summary>Runs every schedule due at <paramref name="now"/> (the tick; tests call it with their own time).</summary>
    internal async Task<int> RunDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var ran = 0;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var schedule in _store.Due(now))
            {
                if (await RunSlotAsync(schedule, schedule.NextRunAt!.Value, now, cancellationToken).ConfigureAwait(false))
                {
                    ran++;
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        return ran;
    }

    /// <summary><c>POST /api/schedules/{id}/run</c>: runs now on this node, audited as <paramref name="caller"/>
    /// plus the schedule; the next slot is unchanged. Null when the schedule is gone.</summary>
    internal async Task<Schedule?> RunNowAsync(string id, string caller, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var schedule = _store.Get(id);
            if (schedule is null)
            {
                return null;
            }

            var now = _clock.Now;
            var result = await SendAsync(schedule, caller, now, cancellationToken).ConfigureAwait(false);
            _store.RecordRun(id, now, $"Run now by {caller}: {result}", schedule.NextRunAt, schedule.Enabled);
            return _store.Get(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TickPeriod, _clock.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunDueAsync(_clock.Now, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task<bool> RunSlotAsync(Schedule schedule, DateTimeOffset slot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var next = ScheduleTiming.NextAfter(schedule, now);
        var enabled = next is not null;
        try
        {
            bool claimed;
            try
            {
                claimed = await _claims.TryClaimAsync(schedule.Id, slot).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                _store.RecordRun(schedule.Id, null, $"Slot {slot:u} skipped: the cluster's Redis could not be reached to claim it.", next, enabled);
                return false;
            }

            if (!claimed)
            {
                _logger.ScheduleClaimedElsewhere(schedule.Id, slot);
                _store.RecordRun(schedule.Id, null, $"Slot {slot:u} ran on another node.", next, enabled);
                return false;
            }

            var result = await SendAsync(schedule, schedule.CreatedBy, now, cancellationToken).ConfigureAwait(false);
            _logger.ScheduleRan(schedule.Id, slot, result);
            _store.RecordRun(schedule.Id, now, result, next, enabled);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.ScheduleFailed(schedule.Id, slot, ex);
            _store.RecordRun(schedule.Id, now, $"Failed: {ex.Message}", next, enabled);
            return false;
        }
    }

    private async Task<string> SendAsync(Schedule schedule, string user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counter = _store.NextCounter(schedule.Id) ?? schedule.Counter + 1;
        var payload = PayloadTemplate.Expand(schedule.Text, schedule.Hex, counter, now, out var error);
        if (payload is null)
        {
            return $"Not sent: {error}";
        }

        var actor = new CommandActor($"{user} (schedule {schedule.Id})", null, SecurityRole.Operator, ActorKind.User);
        return await _sender.SendAsync(schedule, actor, payload, cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
