using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The Rules tab in Chromium against the real server, with a device over real TCP.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardRulesBrowserTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser;

    public DashboardRulesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task AHeartbeatAutoReplyMadeInTheBrowserAnswersPingWithPong()
    {
        await using var server = await TestServer.StartAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.Page.Locator("#tab-rules").ClickAsync();
        await Expect(page.Page.Locator("#rules-listener")).ToHaveValueAsync("default");

        // A bad regex is refused with the server's reason next to the form.
        await page.Page.Locator("#rules-match").SelectOptionAsync("Regex");
        await page.Page.Locator("#rules-pattern").FillAsync("(<b>unclosed");
        await page.Page.Locator("#rules-save").ClickAsync();
        await Expect(page.Page.Locator("#rules-error")).ToContainTextAsync("is not a valid regular expression");

        await page.Page.Locator("#rules-name").FillAsync("heartbeat <i>");
        await page.Page.Locator("#rules-match").SelectOptionAsync("Equals");
        await page.Page.Locator("#rules-pattern").FillAsync("PING");
        await page.Page.Locator("#rules-reply").FillAsync("PONG");
        await page.Page.Locator("#rules-record").UncheckAsync();
        await page.Page.Locator("#rules-save").ClickAsync();
        var rows = page.Page.Locator("#rules-body tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("heartbeat <i>");
        await Expect(page.Page.Locator("#rules-body i")).ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#rules-error")).ToHaveTextAsync(string.Empty);

        await using var device = await server.ConnectAsync();
        await device.SendLineAsync("PING");
        Assert.Equal("PONG", await device.ReceiveLineAsync());

        await page.Page.Locator("#rules-refresh").ClickAsync();
        await Expect(rows.First.Locator("td.num")).ToHaveTextAsync("1");
        await page.ScreenshotAsync("rules-heartbeat");
        Assert.Empty(page.Dialogs);
        // The refused regex is the one failed request the browser logs.
        Assert.DoesNotContain(page.Errors, e => !e.Contains("status of 400", StringComparison.Ordinal));
    }
}
