using System.Net;
using KestrelTcp.Server.Automation.Schedules;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Automation;

public sealed class ScheduleTests
{
    [Fact]
    public async Task PeriodicSendReachesEveryOnlineDeviceWithTheTag()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        await using var north1 = await ScheduleHarness.ConnectDeviceAsync(server, "n1", "north");
        await using var north2 = await ScheduleHarness.ConnectDeviceAsync(server, "n2", "north");
        await using var south = await ScheduleHarness.ConnectDeviceAsync(server, "s1", "south");

        var schedule = await ScheduleHarness.CreateAsync(server, new { id = "poll", targetKind = "tag", target = "north", text = "?STATUS {counter}", kind = "every", intervalSeconds = 30 });
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 1, 59, 30, TimeSpan.Zero), schedule.NextRunAt);

        Assert.Equal(0, await ScheduleHarness.RunDueAsync(server, clock.Now));
        clock.Now = schedule.NextRunAt!.Value;
        Assert.Equal(1, await ScheduleHarness.RunDueAsync(server, clock.Now));
        Assert.Equal("?STATUS 1", await north1.ReceiveLineAsync());
        Assert.Equal("?STATUS 1", await north2.ReceiveLineAsync());

        clock.Now = clock.Now.AddSeconds(30);
        Assert.Equal(1, await ScheduleHarness.RunDueAsync(server, clock.Now));
        Assert.Equal("?STATUS 2", await north1.ReceiveLineAsync());
        Assert.Equal("?STATUS 2", await north2.ReceiveLineAsync());
        Assert.True(await south.ReceivesNothingAsync(TimeSpan.FromMilliseconds(200)));

        var after = ScheduleHarness.Get(server, "poll");
        Assert.Equal(2, after.Counter);
        Assert.Equal(clock.Now, after.LastRunAt);
        Assert.Equal(clock.Now.AddSeconds(30), after.NextRunAt);
        Assert.Contains("Sent to 2 of 2", after.LastResult, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALateTickRunsOnceAndMovesToTheNextFutureSlotNeverBursting()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        await using var device = await ScheduleHarness.ConnectDeviceAsync(server, "42");
        await ScheduleHarness.CreateAsync(server, new { id = "fast", targetKind = "device", target = "42", text = "tick {counter}", kind = "every", intervalSeconds = 1 });

        clock.Now = clock.Now.AddSeconds(10.5);
        Assert.Equal(1, await ScheduleHarness.RunDueAsync(server, clock.Now));
        Assert.Equal(0, await ScheduleHarness.RunDueAsync(server, clock.Now));
        Assert.Equal("tick 1", await device.ReceiveLineAsync());
        Assert.True(await device.ReceivesNothingAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(ScheduleHarness.Start.AddSeconds(11), ScheduleHarness.Get(server, "fast").NextRunAt);
    }

    [Fact]
    public async Task DailyScheduleRunsAtItsTimeOfDayOnItsDaysOnly()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        await using var device = await ScheduleHarness.ConnectDeviceAsync(server, "42");

        // 2026-12-02 is a Wednesday: the next Wednesday-or-Friday 02:00 is today.
        var schedule = await ScheduleHarness.CreateAsync(server, new { id = "reboot", targetKind = "device", target = "42", hex = "5245424F4F54", kind = "daily", timeOfDay = "02:00", days = new[] { "Wed", "friday" } });
        var twoAm = new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(twoAm, schedule.NextRunAt);

        Assert.Equal(0, await ScheduleHarness.RunDueAsync(server, twoAm.AddSeconds(-1)));
        clock.Now = twoAm;
        Assert.Equal(1, await ScheduleHarness.RunDueAsync(server, twoAm));
        Assert.Equal("REBOOT", await device.ReceiveLineAsync());
        Assert.Equal(twoAm.AddDays(2), ScheduleHarness.Get(server, "reboot").NextRunAt);
    }

    [Fact]
    public async Task OnceScheduleRunsAtItsTimeAndThenStops()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        await using var device = await ScheduleHarness.ConnectDeviceAsync(server, "42");
        var at = ScheduleHarness.Start.AddMinutes(5);
        await ScheduleHarness.CreateAsync(server, new { id = "one", targetKind = "listener", target = "default", text = "at {time}", kind = "once", at });

        clock.Now = at;
        Assert.Equal(1, await ScheduleHarness.RunDueAsync(server, at));
        Assert.Equal("at 2026-12-02T02:04:00Z", await device.ReceiveLineAsync());
        var done = ScheduleHarness.Get(server, "one");
        Assert.False(done.Enabled);
        Assert.Null(done.NextRunAt);
    }

    [Fact]
    public async Task SlotMissedWhileTheServerWasDownIsSkippedAndTheCounterPersists()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using (var first = await ScheduleHarness.StartAsync(clock, dataPath: dataPath, keepDataPath: true))
        {
            await using var device = await ScheduleHarness.ConnectDeviceAsync(first, "42");
            await ScheduleHarness.CreateAsync(first, new { id = "poll", targetKind = "device", target = "42", text = "n={counter}", kind = "every", intervalSeconds = 60 });
            clock.Now = ScheduleHarness.Start.AddMinutes(1);
            Assert.Equal(1, await ScheduleHarness.RunDueAsync(first, clock.Now));
            Assert.Equal("n=1", await device.ReceiveLineAsync());
        }

        // Down for ten minutes: ten slots passed.
        clock.Now = ScheduleHarness.Start.AddMinutes(11).AddSeconds(20);
        await using var second = await ScheduleHarness.StartAsync(clock, dataPath: dataPath);
        await using var again = await ScheduleHarness.ConnectDeviceAsync(second, "42");
        var skipped = ScheduleHarness.Get(second, "poll");
        Assert.Equal(ScheduleHarness.Start.AddMinutes(12), skipped.NextRunAt);
        Assert.Contains("skipped", skipped.LastResult, StringComparison.Ordinal);
        Assert.Equal(1, skipped.Counter);

        Assert.Equal(0, await ScheduleHarness.RunDueAsync(second, clock.Now));
        Assert.True(await again.ReceivesNothingAsync(TimeSpan.FromMilliseconds(200)));

        clock.Now = ScheduleHarness.Start.AddMinutes(12);
        Assert.Equal(1, await ScheduleHarness.RunDueAsync(second, clock.Now));
        Assert.Equal("n=2", await again.ReceiveLineAsync());
    }

    [Fact]
    public async Task RunsAreAuditedAsTheCreatorPlusTheSchedule()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        await using var device = await ScheduleHarness.ConnectDeviceAsync(server, "42");
        var schedule = await ScheduleHarness.CreateAsync(server, new { id = "audited", targetKind = "device", target = "42", text = "hello", kind = "every", intervalSeconds = 5 });
        Assert.Equal(TestCredentials.OperatorKeyName, schedule.CreatedBy);

        clock.Now = schedule.NextRunAt!.Value;
        await ScheduleHarness.RunDueAsync(server, clock.Now);
        Assert.Equal("hello", await device.ReceiveLineAsync());

        var (rows, _) = await server.GetRequiredService<AuditLog>().ReadNewestAsync(20).WaitAsync(ScheduleHarness.Wait);
        Assert.Contains(rows, r => r.Action == AuditAction.ChangeSchedule && r.Result == AuditResult.Allowed && r.Actor == TestCredentials.OperatorKeyName && r.Detail!.Contains("Create schedule audited", StringComparison.Ordinal));
        var send = Assert.Single(rows, r => r.Action == AuditAction.Send);
        Assert.Equal($"{TestCredentials.OperatorKeyName} (schedule audited)", send.Actor);
        Assert.Equal(AuditResult.Allowed, send.Result);
        Assert.Equal(5, send.PayloadBytes);
    }

    [Fact]
    public async Task StopStartRunNowAndDeleteWorkThroughTheApi()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        await using var device = await ScheduleHarness.ConnectDeviceAsync(server, "42");
        await ScheduleHarness.CreateAsync(server, new { id = "s", targetKind = "device", target = "42", text = "c{counter}", kind = "every", intervalSeconds = 10 });
        using var http = server.CreateHttpClient();

        using (var stop = await http.PostAsync("/api/schedules/s/stop", null))
        {
            var stopped = await stop.ReadAsync<Schedule>();
            Assert.False(stopped.Enabled);
            Assert.Null(stopped.NextRunAt);
        }

        clock.Now = clock.Now.AddMinutes(1);
        Assert.Equal(0, await ScheduleHarness.RunDueAsync(server, clock.Now));

        using (var run = await http.PostAsync("/api/schedules/s/run", null))
        {
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
            Assert.Equal("c1", await device.ReceiveLineAsync());
        }

        using (var start = await http.PostAsync("/api/schedules/s/start", null))
        {
            var started = await start.ReadAsync<Schedule>();
            Assert.True(started.Enabled);
            Assert.Equal(ScheduleHarness.Start.AddMinutes(1).AddSeconds(10), started.NextRunAt);
        }

        var list = await (await http.GetAsync("/api/schedules")).ReadAsync<List<Schedule>>();
        Assert.Equal("s", Assert.Single(list).Id);
        using var delete = await http.DeleteAsync("/api/schedules/s");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await http.GetAsync("/api/schedules/s");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    public static TheoryData<string, string> BadSchedules => new()
    {
        { """{"targetKind":"tag","target":"north","text":"x","kind":"every","intervalSeconds":0}""", "intervalSeconds" },
        { """{"targetKind":"tag","target":"north","text":"x","kind":"every"}""", "intervalSeconds" },
        { """{"targetKind":"planet","target":"north","text":"x","kind":"every","intervalSeconds":5}""", "targetKind" },
        { """{"targetKind":"tag","text":"x","kind":"every","intervalSeconds":5}""", "target" },
        { """{"targetKind":"tag","target":"not a tag","text":"x","kind":"every","intervalSeconds":5}""", "target" },
        { """{"targetKind":"all","kind":"every","intervalSeconds":5}""", "text or hex" },
        { """{"targetKind":"all","text":"a","hex":"41","kind":"every","intervalSeconds":5}""", "text or hex" },
        { """{"targetKind":"all","hex":"4G","kind":"every","intervalSeconds":5}""", "hex" },
        { """{"targetKind":"all","text":"a","kind":"hourly"}""", "kind" },
        { """{"targetKind":"all","text":"a","kind":"daily","timeOfDay":"25:00"}""", "timeOfDay" },
        { """{"targetKind":"all","text":"a","kind":"daily","timeOfDay":"02:00","days":["Someday"]}""", "days" },
        { """{"targetKind":"all","text":"a","kind":"once","at":"2020-01-01T00:00:00Z"}""", "at" },
        { """{"id":"no spaces","targetKind":"all","text":"a","kind":"every","intervalSeconds":5}""", "id" },
    };

    [Theory]
    [MemberData(nameof(BadSchedules))]
    public async Task InvalidScheduleIsRefusedWithAProblemNamingTheField(string body, string field)
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        using var http = server.CreateHttpClient();
        using var response = await http.PostAsync("/api/schedules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.ProblemDetailAsync(), StringComparison.Ordinal);
        Assert.Empty(server.GetRequiredService<ScheduleStore>().All());
    }

    [Fact]
    public async Task ScheduleCountAndPayloadSizeAreBounded()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock, new() { ["KestrelTcp:Schedules:MaxSchedules"] = "2", ["KestrelTcp:Schedules:MaxPayloadBytes"] = "16" });
        using var http = server.CreateHttpClient();
        await ScheduleHarness.CreateAsync(server, new { targetKind = "all", text = "a", kind = "every", intervalSeconds = 5 });

        using (var big = await http.PostJsonAsync("/api/schedules", new { targetKind = "all", text = new string('x', 17), kind = "every", intervalSeconds = 5 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
            Assert.Contains("KestrelTcp:Schedules:MaxPayloadBytes", await big.ProblemDetailAsync(), StringComparison.Ordinal);
        }

        await ScheduleHarness.CreateAsync(server, new { targetKind = "all", text = new string('x', 16), kind = "every", intervalSeconds = 5 });
        using var third = await http.PostJsonAsync("/api/schedules", new { targetKind = "all", text = "c", kind = "every", intervalSeconds = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, third.StatusCode);
        Assert.Contains("KestrelTcp:Schedules:MaxSchedules", await third.ProblemDetailAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ViewerMayListSchedulesButNotCreateThem()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        await using var server = await ScheduleHarness.StartAsync(clock);
        using var viewer = server.CreateHttpClient(TestRole.Viewer);
        using var list = await viewer.GetAsync("/api/schedules");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var create = await viewer.PostJsonAsync("/api/schedules", new { targetKind = "all", text = "a", kind = "every", intervalSeconds = 5 });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
    }

    [Fact]
    public async Task BadScheduleConfigurationStopsTheServerNamingTheSetting()
    {
        var clock = new ScheduleTestClock(ScheduleHarness.Start);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ScheduleHarness.StartAsync(clock, new() { ["KestrelTcp:Schedules:MaxSchedules"] = "0" }));
        Assert.Contains("KestrelTcp:Schedules:MaxSchedules", failure.ToString(), StringComparison.Ordinal);
    }
}
