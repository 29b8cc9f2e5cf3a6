using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests.Reliability;

/// <summary>A page refused at a dashboard connection cap says which limit, instead of retrying silently.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardConnectionCapBrowserTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser;

    public DashboardConnectionCapBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ShowsWhichLimitRefusedTheConnection()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Dashboard:MaxConnections"] = "1",
        });
        await using var first = await DashboardPage.OpenAsync(_browser.Browser, server);

        await using var second = await DashboardPage.OpenAsync(_browser.Browser, server, role: TestRole.Viewer, waitUntilLive: false);

        await Expect(second.Page.Locator("#hub-state-label")).ToHaveTextAsync("Refused");
        await Expect(second.Banner).ToBeVisibleAsync();
        await Expect(second.Page.Locator("#banner-text")).ToContainTextAsync("KestrelTcp:Dashboard:MaxConnections");
        await second.ScreenshotAsync("dashboard-connection-refused");
        await Expect(first.Page.Locator("#hub-state-label")).ToHaveTextAsync("Live");
    }
}
