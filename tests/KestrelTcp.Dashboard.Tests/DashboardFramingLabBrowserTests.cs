using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The framing lab tab and the session pane's raw reads, in Chromium against the real server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardFramingLabBrowserTests : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly BrowserFixture _browser;

    public DashboardFramingLabBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task FindsTheFramingOfAnUnknownLengthPrefixedDeviceAndDecodesItsFrames()
    {
        await using var server = await TestServer.StartAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, role: TestRole.Viewer);
        await page.Page.Locator("#tab-lab").ClickAsync();

        // Two-byte big-endian lengths, as many PLC gateways send them.
        await page.Page.Locator("#lab-input").FillAsync("00 05 68 65 6C 6C 6F 00 03 61 62 63 00 0B 74 65 6D 70 3D 32 31 2E 35 43 3B");
        await page.Page.Locator("#lab-encoding").SelectOptionAsync("hex");
        await page.Page.Locator("#lab-guess").ClickAsync();

        var best = page.Page.Locator("#lab-guess-body tr").First;
        await Expect(best).ToContainTextAsync("LengthPrefixed(2, BigEndian)");
        await Expect(best.Locator("td").Nth(1)).ToHaveTextAsync("100");
        await Expect(page.Page.Locator("#lab-kind")).ToHaveValueAsync("LengthPrefixed");
        await Expect(page.Page.Locator("#lab-opt-headerBytes")).ToHaveValueAsync("2");

        await page.Page.Locator("#lab-decode").ClickAsync();
        var frames = page.Page.Locator("#lab-frames-body tr");
        await Expect(frames).ToHaveCountAsync(3);
        await Expect(frames.Nth(0)).ToContainTextAsync("hello");
        await Expect(frames.Nth(2)).ToContainTextAsync("temp=21.5C;");
        await Expect(page.Page.Locator("#lab-remainder")).ToHaveTextAsync("No bytes left over.");
        await Expect(page.Page.Locator("#lab-error")).ToBeHiddenAsync();

        // The listener's own framing (Line) makes nothing of these bytes: all of them stay buffered.
        await page.Page.Locator("#lab-compare").ClickAsync();
        await Expect(page.Page.Locator("#lab-kind")).ToHaveValueAsync("Line");
        await Expect(frames).ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#lab-remainder")).ToContainTextAsync("25 bytes");
        await page.ScreenshotAsync("framing-lab-guess");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task ShowsTheRawReadsOfAWatchedSessionWhoseClientSplitsAFrameAndOpensThemInTheLab()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await Expect(page.Rows).ToHaveCountAsync(1);
        await page.SelectAsync(client);
        var session = server.GetRequiredService<SessionRegistry>().All.Single();
        await Eventually.WaitAsync(() => session.RawReads is not null, Timeout, "the pane watches the session");
        await page.Page.Locator("#raw-toggle").ClickAsync();

        await client.SendAsync("hel");
        await Eventually.WaitAsync(() => session.Snapshot().BytesIn == 3, Timeout);
        await client.SendAsync("lo\n");

        var reads = page.Page.Locator("#raw-reads li");
        await Expect(reads).ToHaveCountAsync(2);
        await Expect(reads.Nth(0)).ToContainTextAsync("68656C");
        await Expect(reads.Nth(1)).ToContainTextAsync("6C6F0A");
        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync("hello");

        await page.Page.Locator("#raw-to-lab").ClickAsync();
        await Expect(page.Page.Locator("#panel-lab")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#lab-input")).ToHaveValueAsync("68656C 6C6F0A");
        await page.Page.Locator("#lab-decode").ClickAsync();
        await Expect(page.Page.Locator("#lab-frames-body tr")).ToHaveCountAsync(1);
        await Expect(page.Page.Locator("#lab-frames-body tr").First).ToContainTextAsync("hello");
        await page.ScreenshotAsync("raw-reads-to-lab");
        Assert.Empty(page.Errors);
    }
}
