using System.Text;
using KestrelTcp.Server.Automation.Rules;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Devices;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Automation;

public sealed class RulesEndToEndTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task AnEqualsRuleAnswersPingWithPongAndIgnoresOtherFrames()
    {
        await using var server = await TestServer.StartAsync();
        var rule = await RulesHttp.CreateAsync(server, new { listener = "default", name = "heartbeat", matchKind = "Equals", pattern = "PING", reply = "PONG" });
        await using var client = await server.ConnectAsync();

        await client.SendLineAsync("PING!");
        await client.SendLineAsync("PING");
        Assert.Equal("PONG", await client.ReceiveLineAsync());
        Assert.True(await client.ReceivesNothingAsync(Quiet));

        var after = await RulesHttp.GetAsync(server, rule.Id);
        Assert.Equal(1, after.Hits);
        Assert.NotNull(after.LastHitAt);
    }

    [Fact]
    public async Task PrefixAndContainsRulesMatchOnBytes()
    {
        await using var server = await TestServer.StartAsync();
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Prefix", pattern = "GET ", reply = "OK get" });
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Contains", pattern = "ALARM", reply = "ACK alarm" });
        await using var client = await server.ConnectAsync();

        await client.SendLineAsync("GET /status");
        Assert.Equal("OK get", await client.ReceiveLineAsync());
        await client.SendLineAsync("zone 3 ALARM raised");
        Assert.Equal("ACK alarm", await client.ReceiveLineAsync());
        await client.SendLineAsync("xGET ");
        Assert.True(await client.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task ARegexRuleRepliesWithItsCapturesTheDeviceTheCounterAndTheTime()
    {
        await using var server = await DeviceServer.StartAsync();
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Regex", pattern = @"^TEMP (\d+) (?<unit>[CF])$", reply = "ACK {1}{2} #{counter} from {device} at {time} {{x}}" });
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("ID=7");
        await DeviceServer.WaitForAsync(server, "7", d => d.Online);

        await client.SendLineAsync("TEMP 21 C");
        var first = await client.ReceiveLineAsync();
        await client.SendLineAsync("TEMP 22 F");
        var second = await client.ReceiveLineAsync();

        Assert.Matches(@"^ACK 21C #1 from 7 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \{x\}$", first);
        Assert.StartsWith("ACK 22F #2 from 7 at ", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHexRuleMatchesWithWildcardsAndRepliesInHex()
    {
        await using var server = await TestServer.StartAsync();
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Hex", pattern = "AA ?? 01 *", replyKind = "Hex", reply = "4F 4B {counter}" });
        await using var client = await server.ConnectAsync();

        await client.SendAsync([0xAA, 0x37, 0x01, 0xFF, 0x20, (byte)'\n']);
        Assert.Equal("OK1", await client.ReceiveLineAsync());
        await client.SendAsync([0xAA, 0x37, 0x01, (byte)'\n']);
        Assert.Equal("OK2", await client.ReceiveLineAsync());
        await client.SendAsync([0xAA, 0x37, 0x02, 0x00, (byte)'\n']);
        await client.SendAsync([0xAA, 0x37, (byte)'\n']);
        Assert.True(await client.ReceivesNothingAsync(Quiet));
    }

    [Fact]
    public async Task ARegexThatTimesOutIsCountedAndTheSessionKeepsWorking()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Rules:RegexTimeout"] = "00:00:00.001" });
        var slow = await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Regex", pattern = "^(a+)+$", reply = "never" });
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "PING", reply = "PONG" });
        await using var client = await server.ConnectAsync();

        await client.SendLineAsync(new string('a', 40) + "!");
        await client.SendLineAsync("PING");
        Assert.Equal("PONG", await client.ReceiveLineAsync());

        var after = await RulesHttp.GetAsync(server, slow.Id);
        Assert.True(after.RegexTimeouts >= 1, $"timeouts: {after.RegexTimeouts}");
        Assert.Equal(0, after.Hits);
    }

    [Fact]
    public async Task ARuleThatDoesNotRecordKeepsTheFrameAndTheReplyOutOfHistory()
    {
        await using var server = await TestServer.StartAsync();
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "PING", reply = "PONG", record = false });
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "HELLO", reply = "WORLD" });
        await using var client = await server.ConnectAsync();

        await client.SendLineAsync("PING");
        Assert.Equal("PONG", await client.ReceiveLineAsync());
        await client.SendLineAsync("HELLO");
        Assert.Equal("WORLD", await client.ReceiveLineAsync());
        await client.SendLineAsync("PING");
        Assert.Equal("PONG", await client.ReceiveLineAsync());
        await client.SendLineAsync("data");
        var session = server.GetRequiredService<SessionRegistry>().All.Single();
        await Eventually.WaitAsync(() => session.History.Snapshot().Length == 3, TimeSpan.FromSeconds(5), "three recorded frames");

        var recorded = session.History.Snapshot().Select(f => (f.Direction, Encoding.UTF8.GetString(f.Preview))).ToArray();
        Assert.Equal([(FrameDirection.In, "HELLO"), (FrameDirection.Out, "WORLD"), (FrameDirection.In, "data")], recorded);
        Assert.Equal(4, session.FramesIn);
    }

    [Fact]
    public async Task ARuleThatDoesNotRecordKeepsTheDevicesFramesOutOfTheDurableHistory()
    {
        await using var server = await TestServer.StartAsync(HistoryHarness.Identifying());
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "PING", reply = "PONG", record = false });
        var (client, _) = await server.ConnectDeviceAsync("hb-1");
        await using (client)
        {
            await client.SendLineAsync("PING");
            Assert.Equal("PONG", await client.ReceiveLineAsync());
            await client.SendLineAsync("temp=20");
            await server.WaitWrittenAsync(2);
        }

        using var http = server.CreateHttpClient(TestRole.Viewer);
        var page = await http.MessagesAsync("hb-1");
        Assert.Equal(["temp=20", "ID=hb-1"], page.Items.Select(m => m.Text));
    }

    [Fact]
    public async Task ARuleHitIsToldToTheObserverWithTheSessionAndTheRule()
    {
        var recorder = new RuleHitRecorder();
        await using var server = await TestServer.StartAsync(configure: builder => builder.Services.AddSingleton<IRuleHitObserver>(recorder));
        var rule = await RulesHttp.CreateAsync(server, new { listener = "default", name = "hb", matchKind = "Equals", pattern = "PING", reply = "PONG" });
        await using var client = await server.ConnectAsync();
        var sessionId = await server.SessionIdOfAsync(client);

        await client.SendLineAsync("PING");
        var hit = await recorder.FirstHit.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((sessionId, (string?)null, "default", rule.Id, "hb"), hit);
    }

    [Fact]
    public async Task TheFirstMatchingRuleInOrderWinsAndADisabledRuleIsSkipped()
    {
        await using var server = await TestServer.StartAsync();
        var general = await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Prefix", pattern = "CMD", reply = "general" });
        var specific = await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "CMD 1", reply = "specific" });
        await using var client = await server.ConnectAsync();

        await client.SendLineAsync("CMD 1");
        Assert.Equal("general", await client.ReceiveLineAsync());

        await RulesHttp.PostAsync(server, "/api/rules/reorder", new { listener = "default", ids = new[] { specific.Id, general.Id } });
        await client.SendLineAsync("CMD 1");
        Assert.Equal("specific", await client.ReceiveLineAsync());

        await RulesHttp.PostAsync(server, $"/api/rules/{specific.Id}/disable");
        await client.SendLineAsync("CMD 1");
        Assert.Equal("general", await client.ReceiveLineAsync());

        await RulesHttp.PostAsync(server, $"/api/rules/{general.Id}/disable");
        Assert.Null(server.GetRequiredService<ListenerCatalog>().Find("default")!.Responder);
        await client.SendLineAsync("CMD 1");
        Assert.True(await client.ReceivesNothingAsync(Quiet));

        await RulesHttp.PostAsync(server, $"/api/rules/{specific.Id}/enable");
        await client.SendLineAsync("CMD 1");
        Assert.Equal("specific", await client.ReceiveLineAsync());
    }

    [Fact]
    public async Task RulesSurviveARestartOnTheSameDataPath()
    {
        var data = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        long id;
        await using (var server = await TestServer.StartAsync(dataPath: data, keepDataPath: true))
        {
            id = (await RulesHttp.CreateAsync(server, new { listener = "default", name = "hb", matchKind = "Equals", pattern = "PING", reply = "PONG", record = false })).Id;
            await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "OFF", reply = "no", enabled = false });
        }

        await using var restarted = await TestServer.StartAsync(dataPath: data);
        var rules = await RulesHttp.ListAsync(restarted, "default");
        Assert.Equal(2, rules.Count);
        Assert.Equal(id, rules[0].Id);
        Assert.False(rules[0].Record);
        Assert.False(rules[1].Enabled);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "rules.db")));
        }

        await using var client = await restarted.ConnectAsync();
        await client.SendLineAsync("OFF");
        await client.SendLineAsync("PING");
        Assert.Equal("PONG", await client.ReceiveLineAsync());
    }

    [Fact]
    public async Task AReplyThatTheFramingCannotCarryIsDroppedAndCounted()
    {
        await using var server = await TestServer.StartAsync();
        var rule = await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "X", replyKind = "Hex", reply = "41 0A 42" });
        await using var client = await server.ConnectAsync();

        await client.SendLineAsync("X");
        Assert.True(await client.ReceivesNothingAsync(Quiet));
        var rules = server.GetRequiredService<RuleService>();
        await Eventually.WaitAsync(() => rules.Get(rule.Id)!.RepliesDropped == 1, TimeSpan.FromSeconds(5), "a dropped reply");
        Assert.Equal(1, (await RulesHttp.GetAsync(server, rule.Id)).Hits);
    }
}
