using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>
/// Issue 12, the dashboard in a cluster, in Debian's Chromium: two nodes on a real redis-server, the
/// browser signed in on node a. It shows a device connected to node b with its node, filters by node,
/// lists a device that left node b in Recently closed with its node,
/// lists both nodes Up in the Nodes tab, shows the degraded banner while Redis is down, and drains node a.
/// On a single node none of the cluster parts show.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardClusterBrowserTests : IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };
    private readonly BrowserFixture _browser;

    public DashboardClusterBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ABrowserOnOneNodeSeesAndFiltersSessionsOfEveryNodeAndListsTheNodes()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await TestServer.StartAsync(ClusterSettings.For(redis, "a"));
        await using var b = await TestServer.StartAsync(ClusterSettings.For(redis, "b"));
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, a);
        await Expect(page.Page.Locator("#node-chip-name")).ToHaveTextAsync("a");

        await using var onB = await b.ConnectAsync();
        await using var onA = await a.ConnectAsync();

        await Expect(page.RowOf(onB)).ToBeVisibleAsync(Slow);
        await Expect(page.RowOf(onB).Locator(".c-node")).ToHaveTextAsync("b");
        await Expect(page.RowOf(onA).Locator(".c-node")).ToHaveTextAsync("a");
        await Expect(page.Page.Locator(".grid-head .c-node")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#stat-sessions")).ToHaveTextAsync("2", new() { Timeout = 15_000 });

        var filter = page.Page.Locator("#node-filter");
        await filter.SelectOptionAsync("b");
        await Expect(page.Rows).ToHaveCountAsync(1);
        await Expect(page.RowOf(onB)).ToHaveCountAsync(1);
        await filter.SelectOptionAsync("a");
        await Expect(page.Rows).ToHaveCountAsync(1);
        await Expect(page.RowOf(onA)).ToHaveCountAsync(1);
        await filter.SelectOptionAsync(string.Empty);
        await Expect(page.Rows).ToHaveCountAsync(2);
        await page.ScreenshotAsync("cluster-sessions");

        // A device that leaves node b leaves the table and shows in Recently closed with its node.
        var gone = await b.ConnectAsync();
        var goneAt = gone.LocalEndPoint;
        await Expect(page.RowOf(goneAt)).ToBeVisibleAsync(Slow);
        await gone.DisposeAsync();
        await Expect(page.RowOf(goneAt)).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await page.Page.Locator("#tab-closed").ClickAsync();
        var closed = page.Page.Locator("#closed-list .closed-item", new PageLocatorOptions { HasText = goneAt });
        await Expect(closed).ToContainTextAsync("node b", new() { Timeout = 15_000 });
        await Expect(closed.Locator(".reason")).ToHaveTextAsync("ClientClosed");

        await page.Page.Locator("#tab-nodes").ClickAsync();
        var nodes = page.Page.Locator("#nodes-body tr");
        await Expect(nodes).ToHaveCountAsync(2);
        await Expect(nodes.Locator(".n-name > span:first-child")).ToHaveTextAsync(["a", "b"]);
        await Expect(nodes.Locator(".node-state")).ToHaveTextAsync(["Up", "Up"]);
        await Expect(page.Page.Locator("#nodes-body tr[data-node='a'] .n-name small")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#nodes-body tr[data-node='b'] .n-address")).ToContainTextAsync($":{b.HttpAddress.Port}");
        await Expect(page.Page.Locator("#cluster-banner")).ToBeHiddenAsync();
        await page.ScreenshotAsync("cluster-nodes");

        // Redis away: the banner says the view is degraded; back: it goes.
        await redis.StopAsync();
        await Expect(page.Page.Locator("#cluster-banner")).ToBeVisibleAsync(Slow);
        await Expect(page.Page.Locator("#cluster-banner-text")).ToContainTextAsync("Redis");
        await page.ScreenshotAsync("cluster-degraded");
        await redis.StartAgainAsync();
        await Expect(page.Page.Locator("#cluster-banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });

        // An Operator drains this node from its row (a second click confirms).
        var drain = page.Page.Locator("#nodes-body tr[data-node='a'] [data-drain]");
        await drain.ClickAsync();
        await Expect(drain).ToHaveTextAsync("Confirm drain");
        await drain.ClickAsync();
        await Expect(page.Page.Locator("#nodes-status")).ToContainTextAsync("Draining node a");
        await Expect(page.Page.Locator("#nodes-body tr[data-node='a'] .node-state")).ToHaveTextAsync("Draining", new() { Timeout = 15_000 });
        Assert.True(await onA.WaitForCloseAsync());
        Assert.Empty(page.Errors);
        Assert.Empty(page.Dialogs);
    }

    [Fact]
    public async Task OnASingleNodeTheClusterPartsStayHidden()
    {
        await using var server = await TestServer.StartAsync();
        await using var device = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);

        await Expect(page.RowOf(device)).ToBeVisibleAsync();
        await Expect(page.Page.Locator(".grid-head .c-node")).ToBeHiddenAsync();
        await Expect(page.RowOf(device).Locator(".c-node")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#node-filter")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#tab-nodes")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#node-chip")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#cluster-banner")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("[data-stat='sessions'] .stat-window")).ToHaveTextAsync("last 5 min");
        Assert.Empty(page.Errors);
    }
}
