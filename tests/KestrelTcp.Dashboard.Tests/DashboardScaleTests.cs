using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The dashboard with 10,000 live sessions, held open by a separate Node.js process.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardScaleTests : IClassFixture<BrowserFixture>
{
    private const int Sessions = 10_000;
    private static readonly LocatorAssertionsToHaveCountOptions WithinASecond = new() { Timeout = 1000 };
    private readonly BrowserFixture _browser;

    public DashboardScaleTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task StaysResponsiveWithTenThousandSessions()
    {
        await using var server = await TestServer.StartAsync();
        await using var holder = await ConnectionHolder.OpenAsync(server.TcpEndPoint(), Sessions, chattyEvery: 50, TimeSpan.FromSeconds(60));
        await server.WaitForSessionCountAsync(Sessions, TimeSpan.FromSeconds(30));
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);

        await Expect(page.Page.Locator("#count-live")).ToHaveTextAsync("10,000");
        Assert.InRange(await page.Rows.CountAsync(), 10, 80);

        // Filtering 10,000 rows down to one answers within a second.
        var target = server.GetRequiredService<SessionRegistry>().All.First().Snapshot();
        await page.Page.Locator("#filter").FillAsync(target.RemoteEndPoint!);
        await Expect(page.Rows).ToHaveCountAsync(1, WithinASecond);
        await Expect(page.Rows.Locator(".cell-id")).ToHaveTextAsync(target.Id);
        await page.Page.Locator("#filter").FillAsync(string.Empty);
        await Expect(page.Page.Locator("#table-info")).ToHaveTextAsync("10,000 sessions", new LocatorAssertionsToHaveTextOptions { Timeout = 1000 });

        // Sorting by bytes in puts a talking session first, within a second.
        await page.Page.Locator("[data-sort=bytesIn]").ClickAsync();
        await Expect(page.Page.Locator("[data-sort=bytesIn]")).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(page.Page.Locator("#grid-body .row[data-index='0'] .cell-id")).ToHaveCountAsync(1, WithinASecond);
        var topId = await page.Page.Locator("#grid-body .row[data-index='0'] .cell-id").TextContentAsync();
        Assert.True(server.GetRequiredService<SessionRegistry>().TryGet(topId!, out var top));
        Assert.True(top.Snapshot().BytesIn > 0);

        // Scrolling to the end draws the last rows, and selecting all selects all 10,000.
        await page.Page.Locator("#session-grid").EvaluateAsync("grid => grid.scrollTop = grid.scrollHeight");
        await Expect(page.Page.Locator($"#grid-body .row[data-index='{Sessions - 1}']")).ToHaveCountAsync(1, WithinASecond);
        await page.Page.Locator("#select-all").CheckAsync();
        await Expect(page.Page.Locator("#selection-info")).ToHaveTextAsync("10,000 selected", new LocatorAssertionsToHaveTextOptions { Timeout = 1000 });
        await Expect(page.Page.Locator("#target-count")).ToHaveTextAsync("10,000");
        await page.ScreenshotAsync("ten-thousand-sessions");
        Assert.Empty(page.Errors);
    }
}
