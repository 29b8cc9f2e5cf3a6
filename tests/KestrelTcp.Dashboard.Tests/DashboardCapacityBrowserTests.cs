using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>
/// Issue 15, point 2: the Capacity tab shows the node against its bounds, its event loops and its busiest
/// sessions, and warns when connections are being refused, so an operator sees a flood before devices do.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardCapacityBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser = browser;

    [Fact]
    public async Task TheCapacityTabListsTheBusiestSessionFirstAndOpensItOnAClick()
    {
        await using var server = await TestServer.StartAsync();
        await using var quiet = await server.ConnectAsync();
        await using var busy = await server.ConnectAsync();
        var busyId = await server.SessionIdOfAsync(busy);
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, role: TestRole.Viewer);

        await quiet.SendLineAsync("hello");
        for (var i = 0; i < 30; i++)
        {
            await busy.SendLineAsync($"reading {i}");
        }

        await page.Page.Locator("#tab-capacity").ClickAsync();

        var first = page.Page.Locator("#capacity-by-frames-body tr").First;
        await Expect(first).ToHaveAttributeAsync("data-session", busyId);
        await Expect(first).ToContainTextAsync(busy.LocalEndPoint);
        await Expect(first).ToContainTextAsync("30");
        await Expect(page.Page.Locator("#capacity-by-frames-body tr")).ToHaveCountAsync(2);
        await Expect(page.Page.Locator(".capacity-gauge[data-gauge='Sessions'] .capacity-gauge-value")).ToContainTextAsync("2 /");
        await Expect(page.Page.Locator(".capacity-gauge[data-gauge='File descriptors'] meter")).ToBeVisibleAsync();
        if (OperatingSystem.IsLinux())
        {
            await Expect(page.Page.Locator("#capacity-loops-body tr")).ToHaveCountAsync(Environment.ProcessorCount);
        }

        await Expect(page.Page.Locator("#capacity-listeners-body tr[data-listener='default']")).ToContainTextAsync("2 /");
        await page.ScreenshotAsync("capacity-1440", fullPage: true);

        await first.Locator("button").ClickAsync();
        await Expect(page.Page.Locator("#pane-body")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#pane-body")).ToContainTextAsync(busy.LocalEndPoint);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task RefusedConnectionsRaiseAWarningOnTheTabAndCountByReason()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:MaxConnections"] = "1" });
        await using var admitted = await server.ConnectAsync();
        await server.WaitForSessionCountAsync(1);
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, width: 420, height: 900, role: TestRole.Viewer);
        await page.Page.Locator("#tab-capacity").ClickAsync();
        await Expect(page.Page.Locator("#capacity-refusals dd[data-reason='Connection limit']")).ToHaveTextAsync("0");

        await using var refused = await server.ConnectAsync();
        Assert.True(await refused.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the connection over the limit was closed");

        await Expect(page.Page.Locator("#capacity-refusals dd[data-reason='Connection limit']")).ToHaveTextAsync("1", new() { Timeout = 10_000 });
        await Expect(page.Page.Locator("#capacity-refusals dd[data-reason='Connection limit']")).ToHaveClassAsync("capacity-refused");
        await Expect(page.Page.Locator("#capacity-alerts")).ToContainTextAsync("1 connections refused since the last refresh");
        await Expect(page.Page.Locator("#count-capacity")).ToBeVisibleAsync();
        await page.ScreenshotAsync("capacity-420", fullPage: true);
        var wide = await page.Page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('#panel-capacity *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5).join(', ')");
        Assert.True(wide.Length == 0, $"the Capacity tab fits a 420 px screen; too wide: {wide}");
        Assert.Empty(page.Errors);
    }
}
