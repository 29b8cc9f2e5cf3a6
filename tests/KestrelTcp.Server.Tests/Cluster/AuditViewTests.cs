using System.Net;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary><c>GET /api/audit</c> on a clustered node covers the audit logs of every node that is not Down.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AuditViewTests
{
    [Fact]
    public async Task TheAuditViewMergesTheRowsOfEveryNodeEachWithItsNode()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        await using var b = await cluster.StartNodeAsync("b");
        await using var onA = await a.ConnectAsync();
        await using var onB = await b.ConnectAsync();
        var idA = await a.SessionIdOfAsync(onA);
        var idB = await b.SessionIdOfAsync(onB);
        using (var httpA = a.CreateHttpClient())
        using (var sent = await httpA.PostJsonAsync($"/api/sessions/{idA}/send", new { text = "on a" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        using (var httpB = b.CreateHttpClient())
        using (var kicked = await httpB.DeleteAsync($"/api/sessions/{idB}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, kicked.StatusCode);
        }

        using var http = a.CreateHttpClient();
        using var response = await http.GetAsync("/api/audit?pageSize=10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadAsync<AuditPage>();
        Assert.Null(page.Degraded);
        Assert.Equal(["a", "b"], page.Nodes!.Select(n => n.Node));
        Assert.Equal(2, page.Total);
        Assert.Equal(["b", "a"], page.Items.Select(r => r.Node!));
        Assert.Equal(AuditAction.Kick, page.Items[0].Action);
        Assert.Equal([idB], page.Items[0].Sessions);
        Assert.Equal(AuditAction.Send, page.Items[1].Action);
    }

    [Fact]
    public async Task AnAuditViewMissingANodeSaysSoAndNamesIt()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");
        cluster.Directory.AddNode("gone");

        using var http = a.CreateHttpClient();
        using var response = await http.GetAsync("/api/audit");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadAsync<AuditPage>();
        Assert.Contains("gone", page.Degraded, StringComparison.Ordinal);
        Assert.Equal(NodeOutcomeStatus.Unreachable, Assert.Single(page.Nodes!, n => n.Node == "gone").Status);
    }

    [Fact]
    public async Task TheMergedAuditViewPagesNoDeeperThanMaxNewestRows()
    {
        await using var cluster = await ClusterHarness.StartAsync();
        await using var a = await cluster.StartNodeAsync("a");

        using var http = a.CreateHttpClient();
        using var response = await http.GetAsync($"/api/audit?page={(AuditLog.MaxNewestRows / 100) + 1}&pageSize=100");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("page × pageSize", await response.ProblemDetailAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASingleNodeAuditPageHasNoClusterFields()
    {
        await using var server = await TestServer.StartAsync();

        using var http = server.CreateHttpClient();
        var json = await http.GetStringAsync("/api/audit");

        Assert.DoesNotContain("\"nodes\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"degraded\"", json, StringComparison.Ordinal);
    }
}
