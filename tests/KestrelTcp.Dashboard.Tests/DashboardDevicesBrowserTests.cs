using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The Devices tab in Chromium against the real server, with devices that identify over real TCP.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardDevicesBrowserTests : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);
    private readonly BrowserFixture _browser;

    public DashboardDevicesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ADeviceIsTaggedInTheDevicesTabAndASendByTagReachesIt()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^REG,(?<id>.+)$" });
        await using var tracker = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        await tracker.SendLineAsync("REG,<img src=x onerror=alert(1)>");
        await other.SendLineAsync("REG,other-1");
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);

        await page.Page.Locator("#tab-devices").ClickAsync();
        var rows = page.Page.Locator("#devices-body .device-row");
        await Expect(rows).ToHaveCountAsync(2);
        var row = rows.Filter(new LocatorFilterOptions { HasText = "<img src=x onerror=alert(1)>" });
        await Expect(row).ToHaveAttributeAsync("data-online", "true");

        await row.ClickAsync();
        await Expect(page.Page.Locator("#device-editor-id")).ToHaveTextAsync("<img src=x onerror=alert(1)>");
        await page.Page.Locator("#device-alias").FillAsync("Truck 7");
        await page.Page.Locator("#device-tags").FillAsync("fleet:north roof");
        await page.Page.Locator("#device-save").ClickAsync();
        await Expect(page.Page.Locator("#device-editor-status")).ToHaveTextAsync("Saved.");
        await Expect(row.Locator(".chip")).ToHaveTextAsync(["fleet:north", "roof"]);

        await row.Locator(".chip", new LocatorLocatorOptions { HasText = "fleet:north" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Page.Locator("#tag-command-tag")).ToHaveValueAsync("fleet:north");
        await page.Page.Locator("#tag-command-payload").FillAsync("north only");
        await page.Page.Locator("#tag-send").ClickAsync();

        Assert.Equal("north only", await tracker.ReceiveLineAsync());
        Assert.True(await other.ReceivesNothingAsync(Quiet));
        await Expect(page.Page.Locator("#tag-command-status")).ToContainTextAsync("Sent to 1 of 1 devices tagged fleet:north");
        await page.ScreenshotAsync("devices-tag-send");
        Assert.Empty(page.Dialogs);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task TheDeviceViewShowsItsHistoryAcrossSessionsWithSearchAndHex()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^REG,(?<id>.+)$" });
        await using (var first = await server.ConnectAsync())
        {
            await first.SendLineAsync("REG,truck-9");
            await first.SendLineAsync("temp=20 <b>");
        }

        await using var second = await server.ConnectAsync();
        await second.SendLineAsync("REG,truck-9");
        await second.SendLineAsync("temp=21");
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.Page.Locator("#tab-devices").ClickAsync();
        await page.Page.Locator("#devices-body .device-row", new PageLocatorOptions { HasText = "truck-9" }).ClickAsync();
        await page.Page.Locator("#device-history-show").ClickAsync();

        // Both sessions' frames, newest first, as text (the markup is characters, not an element).
        var lines = page.Page.Locator("#device-history-list .frame-data");
        await Expect(lines).ToHaveTextAsync(["temp=21", "REG,truck-9", "temp=20 <b>", "REG,truck-9"], new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
        await Expect(page.Page.Locator("#device-history-list b")).ToHaveCountAsync(0);

        await page.Page.Locator("#device-history-q").FillAsync("temp=2");
        await Expect(lines).ToHaveTextAsync(["temp=21", "temp=20 <b>"]);
        await page.Page.Locator("#device-history-hex").ClickAsync();
        await Expect(lines.First).ToContainTextAsync("0000 74 65 6D 70 3D 32 31");
        await Expect(page.Page.Locator("#device-history-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/api/devices/truck-9/messages/export\\?q=temp%3D2&format=csv"));
        await page.ScreenshotAsync("device-history");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task AMessageQueuedForAnOfflineDeviceInTheTabIsDeliveredWhenItComesBack()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^REG,(?<id>.+)$" });
        await using (var first = await server.ConnectAsync())
        {
            await first.SendLineAsync("REG,42");
            await server.SessionIdOfAsync(first);
        }

        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.Page.Locator("#tab-devices").ClickAsync();
        var row = page.Page.Locator("#devices-body .device-row", new PageLocatorOptions { HasText = "42" });
        await Expect(row).ToHaveAttributeAsync("data-online", "false");
        await row.ClickAsync();
        await Expect(page.Page.Locator("#device-queue")).ToBeCheckedAsync();
        await page.Page.Locator("#device-payload").FillAsync("wake up");
        await page.Page.Locator("#device-send").ClickAsync();
        await Expect(page.Page.Locator("#device-editor-status")).ToContainTextAsync("Queued (1 waiting");
        await Expect(page.Page.Locator("#device-pending .pending-text")).ToHaveTextAsync("wake up");

        await using var back = await server.ConnectAsync();
        await back.SendLineAsync("REG,42");

        Assert.Equal("wake up", await back.ReceiveLineAsync());
        await Expect(row).ToHaveAttributeAsync("data-online", "true");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task AViewerSeesTheDevicesButNotTheirCommands()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^REG,(?<id>.+)$" });
        await using var tracker = await server.ConnectAsync();
        await tracker.SendLineAsync("REG,42");
        await server.SessionIdOfAsync(tracker);
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, role: TestRole.Viewer);

        await page.Page.Locator("#tab-devices").ClickAsync();
        var row = page.Page.Locator("#devices-body .device-row", new PageLocatorOptions { HasText = "42" });
        await Expect(row).ToHaveCountAsync(1);
        await row.ClickAsync();

        await Expect(page.Page.Locator("#device-editor-id")).ToHaveTextAsync("42");
        await Expect(page.Page.Locator("#tag-command")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#device-save")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#device-send")).ToBeHiddenAsync();
        Assert.Empty(page.Errors);
    }
}
