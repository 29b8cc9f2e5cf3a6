using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Metrics;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Metrics;

/// <summary><c>deploy/grafana-kestreltcp.json</c> imports into Grafana and shows what a server really exports.</summary>
[Collection(MetricsCollection.Name)]
public sealed partial class GrafanaDashboardTests
{
    private static readonly string DashboardPath = Path.Combine(RepositoryPaths.Root, "deploy", "grafana-kestreltcp.json");

    [Fact]
    public void EveryPanelQueriesThePrometheusDatasourceVariable()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = dashboard.RootElement;
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        Assert.Contains(variables, v => v.GetProperty("name").GetString() == "datasource" && v.GetProperty("type").GetString() == "datasource" && v.GetProperty("query").GetString() == "prometheus");

        var panels = root.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.True(panels.Count >= 10, $"only {panels.Count} panels");
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"panel '{title}' has no query");
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"panel '{title}' has an empty query"));
        }

        var titles = panels.Select(p => p.GetProperty("title").GetString()!).ToList();
        foreach (var expected in new[] { "Sessions by listener", "Connects and closes / s", "Frames / s", "Bytes / s", "Outbound queues", "Rejected connections / s", "File descriptors", "Nodes by state" })
        {
            Assert.Contains(expected, titles);
        }
    }

    [Fact]
    public async Task EveryMetricTheDashboardQueriesIsExportedByARunningServer()
    {
        await using var server = await MetricsServer.StartAsync();
        using var http = server.CreateHttpClient(TestRole.Operator);
        await using (var device = await server.ConnectAsync())
        {
            await server.WaitForSessionCountAsync(1);
            using var kick = await http.DeleteAsync(new Uri($"/api/sessions/{server.SessionIds()[0]}", UriKind.Relative)).WaitAsync(MetricsServer.Timeout);
            await server.WaitForSessionCountAsync(0);
        }

        // A command routed to another node needs a cluster; its histogram is recorded here as ClusterCommands would.
        server.GetRequiredService<CommandMetrics>().Routed(NodeRequestKind.Send, "node-b", NodeOutcomeStatus.Accepted, Stopwatch.GetTimestamp());
        var scrape = await http.ScrapeAsync();

        var queried = MetricName().Matches(File.ReadAllText(DashboardPath)).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(queried);
        var missing = queried.Where(name => !scrape.Has(name)).ToList();
        Assert.True(missing.Count == 0, $"queried but not exported: {string.Join(", ", missing)}");
    }

    [GeneratedRegex(@"\b(?:kestreltcp|dotnet)_[a-z_]+\b")]
    private static partial Regex MetricName();
}
