using System.Net;
using System.Net.Http.Json;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Automation;

public sealed class RulesApiTests
{
    [Fact]
    public async Task InvalidRulesAreRefusedWithAProblemNamingTheField()
    {
        await using var server = await TestServer.StartAsync();

        var regex = await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Regex", pattern = "(unclosed", reply = "x" });
        Assert.StartsWith("pattern '(unclosed' is not a valid regular expression", regex, StringComparison.Ordinal);
        Assert.Contains("pattern 'AA ZZ' is not a hex pattern", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Hex", pattern = "AA ZZ" }), StringComparison.Ordinal);
        Assert.Contains("'*' may only end", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Hex", pattern = "AA * 01" }), StringComparison.Ordinal);
        Assert.StartsWith("reply", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Equals", pattern = "A", replyKind = "Hex", reply = "4G" }), StringComparison.Ordinal);
        Assert.StartsWith("listener 'nowhere' is not a configured listener", await RulesHttp.RefusedAsync(server, new { listener = "nowhere", matchKind = "Equals", pattern = "A" }), StringComparison.Ordinal);
        Assert.StartsWith("matchKind", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Like", pattern = "A" }), StringComparison.Ordinal);
        Assert.StartsWith("pattern is required", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Equals" }), StringComparison.Ordinal);
        Assert.Contains("Unknown macro '{dev}'", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Equals", pattern = "A", reply = "{dev}" }), StringComparison.Ordinal);
        Assert.Contains("only a Regex rule has captures", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Equals", pattern = "A", reply = "{1}" }), StringComparison.Ordinal);
        Assert.Contains("the pattern has 1 group(s)", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Regex", pattern = "(a)", reply = "{2}" }), StringComparison.Ordinal);
        Assert.Empty(await RulesHttp.ListAsync(server));
    }

    [Fact]
    public async Task PatternAndReplyLongerThanTheirBoundsAreRefused()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Rules:MaxPatternLength"] = "16",
            ["KestrelTcp:Rules:MaxReplyBytes"] = "8",
        });

        Assert.Contains("MaxPatternLength", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Equals", pattern = new string('p', 17) }), StringComparison.Ordinal);
        Assert.Contains("MaxReplyBytes", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Equals", pattern = "p", reply = new string('r', 9) }), StringComparison.Ordinal);
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = new string('p', 16), reply = new string('r', 8) });
    }

    [Fact]
    public async Task RulesBeyondTheListenerAndServerBoundsAreRefused()
    {
        var settings = Settings.Listener("other").With("KestrelTcp:Rules:MaxRulesPerListener", "2").With("KestrelTcp:Rules:MaxRules", "3");
        await using var server = await TestServer.StartAsync(settings);
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "1" });
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "2" });

        Assert.Contains("MaxRulesPerListener", await RulesHttp.RefusedAsync(server, new { listener = "default", matchKind = "Equals", pattern = "3" }), StringComparison.Ordinal);
        await RulesHttp.CreateAsync(server, new { listener = "other", matchKind = "Equals", pattern = "3" });
        Assert.Contains("MaxRules)", await RulesHttp.RefusedAsync(server, new { listener = "other", matchKind = "Equals", pattern = "4" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AViewerCannotChangeRulesAndEveryChangeIsAudited()
    {
        await using var server = await TestServer.StartAsync();
        using (var viewer = server.CreateHttpClient(TestRole.Viewer))
        {
            using var denied = await viewer.PostAsJsonAsync("/api/rules", new { listener = "default", matchKind = "Equals", pattern = "A" }).Within();
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        var rule = await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "A", reply = "B" });
        using var http = server.CreateHttpClient();
        using (var put = await http.PutAsJsonAsync($"/api/rules/{rule.Id}", new { listener = "default", matchKind = "Prefix", pattern = "A", reply = "C" }).Within())
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await RulesHttp.PostAsync(server, $"/api/rules/{rule.Id}/disable");
        using (var delete = await http.DeleteAsync($"/api/rules/{rule.Id}").Within())
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var missing = await http.GetAsync($"/api/rules/{rule.Id}").Within())
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var audit = (await SecurityHttp.ReadAuditAsync(server)).Items;
        Assert.Equal(2, audit.Count(r => r.Action == AuditAction.CreateRule));
        Assert.Contains(audit, r => r.Action == AuditAction.CreateRule && r.Result == AuditResult.Denied);
        Assert.Equal(2, audit.Count(r => r.Action == AuditAction.UpdateRule && r.Result == AuditResult.Allowed));
        Assert.Single(audit, r => r.Action == AuditAction.DeleteRule);
    }

    [Fact]
    public async Task AReorderMustNameEveryRuleOfTheListenerOnce()
    {
        await using var server = await TestServer.StartAsync();
        var a = await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "a" });
        await RulesHttp.CreateAsync(server, new { listener = "default", matchKind = "Equals", pattern = "b" });
        using var http = server.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/api/rules/reorder", new { listener = "default", ids = new[] { a.Id, a.Id } }).Within();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("ids must list each of the 2 rules", (await response.ReadAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadRegexTimeoutStopsTheStartNamingTheSetting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Rules:RegexTimeout"] = "00:00:00" }));
        Assert.Contains("KestrelTcp:Rules:RegexTimeout", failure.ToString(), StringComparison.Ordinal);
    }
}
