using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests.Reliability;

/// <summary>Connections that admission control refuses are counted on the listener's chip, with the reasons.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RefusedConnectionsBrowserTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser;

    public RefusedConnectionsBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ShowsConnectionsRefusedByThePerAddressLimitOnTheListenersChip()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Admission:MaxConnectionsPerAddress"] = "1",
        });
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        var chip = page.Page.Locator(".listener-chip[data-listener='default']");
        await Expect(chip.Locator(".chip-refused")).ToBeHiddenAsync();

        await using var first = await server.ConnectAsync();
        // The first must hold the address's one slot before the others arrive: accepts are not
        // ordered across the transport's loops, so otherwise the first could be the one refused.
        await server.WaitForSessionCountAsync(1);
        await using var second = await server.ConnectAsync();
        await using var third = await server.ConnectAsync();
        Assert.True(await second.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "The second connection from the address was not refused.");
        Assert.True(await third.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "The third connection from the address was not refused.");

        await Expect(chip.Locator(".chip-refused")).ToHaveTextAsync("2 refused", new LocatorAssertionsToHaveTextOptions { Timeout = 5000 });
        await Expect(chip).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("refused since start: 2 at the per-address limit"));
        await page.ScreenshotAsync("refused-connections");
        Assert.Empty(page.Errors);
    }
}
