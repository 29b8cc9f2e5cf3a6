using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>
/// Issue 15, point 5: defects a new user found in the dashboard, each with the check that would have
/// caught it: the send box keeps its text after a send, a line break meant for a Line listener is refused
/// only by the server, "Clear selection" leaves the pane's Kick enabled, and table headers wrap.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardPolishBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser = browser;

    [Fact]
    public async Task ASentMessageLeavesTheBoxAndArrowUpBringsItBack()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.SelectAsync(client);
        var box = page.Page.Locator("#payload");

        await box.FillAsync("first");
        await page.Page.Locator("#send").ClickAsync();
        Assert.Equal("first", await client.ReceiveLineAsync());
        await Expect(box).ToHaveValueAsync(string.Empty);
        await box.FillAsync("second");
        await box.PressAsync("Control+Enter");
        Assert.Equal("second", await client.ReceiveLineAsync());
        await Expect(box).ToHaveValueAsync(string.Empty);

        await box.FillAsync("draft");
        await box.PressAsync("ArrowUp");
        await Expect(box).ToHaveValueAsync("second");
        await box.PressAsync("ArrowUp");
        await Expect(box).ToHaveValueAsync("first");
        await box.PressAsync("ArrowDown");
        await box.PressAsync("ArrowDown");
        await Expect(box).ToHaveValueAsync("draft");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task ALineBreakForALineListenerIsRefusedInThePageNamingTheListener()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.SelectAsync(client);

        await page.Page.Locator("#payload").FillAsync("two\nlines");

        await Expect(page.Page.Locator("#composer-status")).ToContainTextAsync("Listener default uses Line framing");
        await Expect(page.Page.Locator("#send")).ToBeDisabledAsync();
        await page.Page.Locator("#payload").FillAsync("one line");
        await Expect(page.Page.Locator("#send")).ToBeEnabledAsync();
        await Expect(page.Page.Locator("#composer-status")).ToHaveTextAsync(string.Empty);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task ClearingTheSelectionClosesThePaneSoNoKickStaysEnabled()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.SelectAsync(client);
        await Expect(page.Page.Locator("#pane-kick")).ToBeEnabledAsync();

        await page.Page.Locator("#clear-selection").ClickAsync();

        await Expect(page.Page.Locator("#target-count")).ToHaveTextAsync("0");
        await Expect(page.Page.Locator("#pane-body")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#kick-selected")).ToBeDisabledAsync();
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task AfterAShortBurstTheTilesStillSayWhatTheLastMinuteCarriedAndTheChartsReadOutOnHover()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await Expect(page.Rows).ToHaveCountAsync(1);

        await client.SendLineAsync("one");
        await client.SendLineAsync("two");
        await client.SendLineAsync("three");

        // The rate is back to 0 a second later; the minute's count is not.
        await Expect(page.Page.Locator("#minute-frames")).ToHaveTextAsync("last min 3 / 0", new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 });
        await Expect(page.Page.Locator("#minute-bytes")).ToContainTextAsync("last min 14 B / 0 B");

        await page.Page.Locator("#chart-frames").HoverAsync();
        await Expect(page.Page.Locator("[data-stat='frames'] .stat-readout")).ToContainTextAsync("In/s");
        await page.ScreenshotAsync("charts-hover");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task AtPhoneWidthEveryTabAndTheWholeSessionIdAreVisible()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, width: 420);
        await page.SelectAsync(client);

        var clipped = await page.Page.EvaluateAsync<string[]>("""
            () => {
              const bar = document.querySelector('.tabs').getBoundingClientRect();
              return [...document.querySelectorAll('.tabs .tab')]
                .filter((t) => t.offsetParent !== null)
                .filter((t) => { const r = t.getBoundingClientRect(); return r.right > bar.right + 0.5 || r.left < bar.left - 0.5; })
                .map((t) => t.textContent.trim());
            }
            """);
        Assert.Empty(clipped);
        var id = page.Page.Locator("#pane-id");
        await Expect(id).ToHaveTextAsync(server.SessionIds().Single());
        Assert.True(await id.EvaluateAsync<bool>("(e) => e.scrollWidth <= e.clientWidth"), "the session id is cut");
        await page.ScreenshotAsync("narrow-420", fullPage: true);
        Assert.Empty(page.Errors);
    }

    [Theory]
    [InlineData(1440)]
    [InlineData(1024)]
    public async Task TableHeadersStayOnOneLine(int width)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, width: width);
        await Expect(page.Rows).ToHaveCountAsync(1);

        // Every visible header is one line tall: its text does not wrap onto a second line.
        var wrapped = await page.Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.grid-head .sort')]
              .filter((b) => b.offsetParent !== null)
              .filter((b) => { const r = document.createRange(); r.selectNodeContents(b); return r.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(b).fontSize); })
              .map((b) => b.textContent)
            """);
        Assert.Empty(wrapped);
        await page.ScreenshotAsync($"headers-{width}");
    }
}
