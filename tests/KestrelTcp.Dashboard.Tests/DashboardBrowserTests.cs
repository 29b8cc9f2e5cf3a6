using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The dashboard in Debian's Chromium against the real server, with real TCP clients. Each test
/// saves a screenshot to the artifacts folder.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);
    private readonly BrowserFixture _browser;

    public DashboardBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ShowsTcpClientsInTheTableWithinASecond()
    {
        await using var server = await TestServer.StartAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await Expect(page.Page.Locator("#grid-empty")).ToContainTextAsync("No TCP clients connected yet");

        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await server.ConnectAsync();

        var withinASecond = new LocatorAssertionsToHaveCountOptions { Timeout = 1000 };
        await Expect(page.Rows).ToHaveCountAsync(3, withinASecond);
        foreach (var client in new[] { first, second, third })
        {
            await Expect(page.RowOf(client)).ToHaveCountAsync(1, withinASecond);
        }

        await Expect(page.Page.Locator("#count-live")).ToHaveTextAsync("3");
        await page.ScreenshotAsync("clients-appear");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task SendsHelloToTheSelectedSessionOnly()
    {
        await using var server = await TestServer.StartAsync();
        await using var chosen = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await Expect(page.Rows).ToHaveCountAsync(2);

        await page.SelectAsync(chosen);
        await page.Page.Locator("#payload").FillAsync("hello");
        await page.Page.Locator("#send").ClickAsync();

        Assert.Equal("hello", await chosen.ReceiveLineAsync());
        Assert.True(await other.ReceivesNothingAsync(Quiet));
        await Expect(page.Page.Locator("#composer-status")).ToContainTextAsync("Queued 5 B for 1 session");
        await Expect(page.Page.Locator("#user-role")).ToHaveTextAsync("Operator");
        await Expect(page.Page.Locator("#viewer-note")).ToBeHiddenAsync();
        var sent = page.LogFrames.Filter(new LocatorFilterOptions { Has = page.Page.Locator(".dir-out") });
        await Expect(sent.Locator(".frame-data")).ToHaveTextAsync("hello");
        await page.ScreenshotAsync("send-hello");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task SendsHexAsTheExactBytes()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.SelectAsync(client);

        await page.Page.Locator("#format-hex").ClickAsync();
        await page.Page.Locator("#payload").FillAsync("de ad-BE:ef 00 7e ff");
        await page.Page.Locator("#send").ClickAsync();

        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x7E, 0xFF }, await client.ReceiveFrameAsync());
        await page.Page.Locator("#log-hex").ClickAsync();
        // Wireshark's layout: offset, the bytes in hex, the same bytes as ASCII (a dot for each unprintable one).
        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync("0000 DE AD BE EF 00 7E FF .....~.");
        await page.ScreenshotAsync("send-hex");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task AnIdentifiedSessionShowsItsDeviceFirstAndItsLastMessageSafely()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:default:Identify:Pattern"] = @"^REG,(?<id>\w+)",
        });
        await using var device = await server.ConnectAsync();
        await using var anonymous = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, width: 1900);
        await Expect(page.Rows).ToHaveCountAsync(2);

        await device.SendLineAsync("REG,tracker42");
        await device.SendLineAsync("temp=21.5\t<b>hot</b>");
        await anonymous.SendAsync([0x01, 0x02, 0xFF, (byte)'\n']);

        var row = page.RowOf(device);
        await Expect(row.Locator(".id-device")).ToHaveTextAsync("tracker42");
        var id = server.SessionIds().First();
        await Expect(row.Locator(".id-connection")).ToHaveTextAsync(id);
        // The newest frame, as text: the tab escaped, the markup shown as the characters it is.
        await Expect(row.Locator(".c-last")).ToHaveTextAsync(@"temp=21.5\t<b>hot</b>");
        await Expect(row.Locator(".c-last b")).ToHaveCountAsync(0);

        // An unidentified session shows only its connection id; a binary frame shows as hex.
        var other = page.RowOf(anonymous);
        await Expect(other.Locator(".id-device")).ToBeHiddenAsync();
        await Expect(other.Locator(".c-last")).ToHaveTextAsync("0x0102FF");

        // Sorting by the first column puts devices first.
        await page.Page.Locator(".grid-head [data-sort='id']").ClickAsync();
        await Expect(page.Rows.First.Locator(".id-device")).ToHaveTextAsync("tracker42");

        await page.SelectAsync(device);
        await Expect(page.Page.Locator("#fact-device")).ToHaveTextAsync("tracker42");
        await page.ScreenshotAsync("device-and-last-message");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task BroadcastsToEveryClientOfTheChosenListener()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await Expect(page.Rows).ToHaveCountAsync(2);

        await page.Page.Locator("#target-broadcast").ClickAsync();
        await Expect(page.Page.Locator("#broadcast-listener")).ToHaveValueAsync("default");
        await page.Page.Locator("#payload").FillAsync("all units report");
        await page.Page.Locator("#payload").PressAsync("Control+Enter");

        Assert.Equal("all units report", await first.ReceiveLineAsync());
        Assert.Equal("all units report", await second.ReceiveLineAsync());
        await Expect(page.Page.Locator("#composer-status")).ToContainTextAsync("every session of default");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task PausesClearsAndExportsTheTrafficLog()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.SelectAsync(client);
        await client.SendLineAsync("one");
        await Expect(page.LogFrames).ToHaveCountAsync(1);

        await page.Page.Locator("#log-pause").ClickAsync();
        await client.SendLineAsync("two");
        await Expect(page.Page.Locator("#log-pause")).ToHaveTextAsync("Resume (1 new)");
        await Expect(page.LogFrames).ToHaveCountAsync(1);
        await page.Page.Locator("#log-pause").ClickAsync();
        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync(["one", "two"]);

        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.Locator("#log-export").ClickAsync());
        var exported = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.Equal("time\tdirection\tlength\ttruncated\thex\ttext", exported[0]);
        Assert.EndsWith("\tIn\t3\tfalse\t6F6E65\t\"one\"", exported[1], StringComparison.Ordinal);
        Assert.EndsWith("\tIn\t3\tfalse\t74776F\t\"two\"", exported[2], StringComparison.Ordinal);

        await page.Page.Locator("#log-clear").ClickAsync();
        await Expect(page.LogFrames).ToHaveCountAsync(0);
        await client.SendLineAsync("three");
        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync(["three"]);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task RefusesMalformedHexBeforeSending()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.SelectAsync(client);

        await page.Page.Locator("#format-hex").ClickAsync();
        await page.Page.Locator("#payload").FillAsync("12 3");

        await Expect(page.Page.Locator("#send")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#composer-status")).ToContainTextAsync("even number of digits");
        Assert.True(await client.ReceivesNothingAsync(Quiet));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task KickRemovesTheRowAndClosesTheClient()
    {
        await using var server = await TestServer.StartAsync();
        await using var kicked = await server.ConnectAsync();
        await using var kept = await server.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await kicked.SendLineAsync("last words");
        await page.SelectAsync(kicked);
        await Expect(page.LogFrames).ToHaveCountAsync(1);

        await page.Page.Locator("#pane-kick").ClickAsync();
        var dialog = page.Page.Locator("#kick-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync(kicked.LocalEndPoint);
        await page.Page.Locator("#kick-reason").FillAsync("firmware update");
        await page.ScreenshotAsync("kick-confirm");
        await page.Page.Locator("#kick-confirm").ClickAsync();

        Assert.True(await kicked.WaitForCloseAsync());
        await Expect(page.RowOf(kicked)).ToHaveCountAsync(0);
        await Expect(page.Rows).ToHaveCountAsync(1);
        await Expect(page.Page.Locator("#pane-closed")).ToContainTextAsync("Kicked — firmware update");
        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync(["last words"]);
        await Expect(page.Page.Locator("#count-closed")).ToHaveTextAsync("1");
        await page.Page.Locator("#tab-closed").ClickAsync();
        await Expect(page.Page.Locator(".closed-item .reason")).ToHaveTextAsync("Kicked");
        await page.ScreenshotAsync("kicked");
        Assert.True(await kept.ReceivesNothingAsync(Quiet));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task ShowsDeviceMarkupAsTextAndRunsNoScript()
    {
        const string Markup = "<img src=x onerror=alert(1)>";
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync(Markup);
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);

        await page.SelectAsync(client);
        await client.SendLineAsync("<script>alert(2)</script>");

        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync([Markup, "<script>alert(2)</script>"]);
        Assert.Equal(0, await page.Page.Locator("img").CountAsync());
        Assert.Equal(0, await page.Page.Locator("#traffic-log script").CountAsync());
        await page.ScreenshotAsync("markup-as-text");
        Assert.Empty(page.Dialogs);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task LetsAViewerWatchTrafficButOffersNoOperatorActions()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SendLineAsync("status ok");
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, role: TestRole.Viewer);

        await page.SelectAsync(client);

        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync("status ok");
        await Expect(page.Page.Locator("#user-role")).ToHaveTextAsync("Viewer");
        await Expect(page.Page.Locator("#viewer-note")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#payload")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#send")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#pane-kick")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#kick-selected")).ToBeDisabledAsync();
        await page.ScreenshotAsync("viewer");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task ShowsTheReconnectBannerWhileTheServerIsDownAndRecoversWhenItReturns()
    {
        var first = await TestServer.StartAsync(keepDataPath: true);
        await using var firstClient = await first.ConnectAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, first);
        await page.SelectAsync(firstClient);
        await page.Page.Locator("#payload").FillAsync("hello");
        await Expect(page.Banner).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#send")).ToBeEnabledAsync();

        await first.DisposeAsync();

        await Expect(page.Banner).ToBeVisibleAsync();
        await Expect(page.Banner).ToContainTextAsync("Reconnecting");
        await Expect(page.Page.Locator("#hub-state-label")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Reconnecting|Disconnected"));
        await Expect(page.Page.Locator("#send")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#payload")).ToBeDisabledAsync();
        await Expect(page.Page.Locator("#pane-kick")).ToBeDisabledAsync();
        await page.ScreenshotAsync("reconnecting");

        // The same address and data folder (so the sign-in cookie is still good): the page reconnects
        // by itself and replaces what it showed with the new server's snapshot.
        await using var second = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["urls"] = first.HttpAddress.ToString().TrimEnd('/') },
            dataPath: first.DataPath);
        await using var secondClient = await second.ConnectAsync();

        await Expect(page.Page.Locator("#hub-state-label")).ToHaveTextAsync("Live", new LocatorAssertionsToHaveTextOptions { Timeout = 20_000 });
        await Expect(page.Banner).ToBeHiddenAsync();
        await Expect(page.RowOf(secondClient)).ToHaveCountAsync(1);
        await Expect(page.RowOf(firstClient)).ToHaveCountAsync(0);
        await page.SelectAsync(secondClient);
        await Expect(page.Page.Locator("#send")).ToBeEnabledAsync();
        await page.Page.Locator("#send").ClickAsync();
        Assert.Equal("hello", await secondClient.ReceiveLineAsync());
    }

    [Fact]
    public async Task SendsTheOperatorToSignInWhenTheSignInNoLongerHolds()
    {
        var first = await TestServer.StartAsync(keepDataPath: true);
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, first);
        var signOut = await page.Page.Context.APIRequest.PostAsync("/auth/logout");
        Assert.True(signOut.Ok, $"Sign-out failed: {signOut.Status}");

        await first.DisposeAsync();
        await using var second = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["urls"] = first.HttpAddress.ToString().TrimEnd('/') },
            dataPath: first.DataPath);

        await Expect(page.Page).ToHaveURLAsync(
            new System.Text.RegularExpressions.Regex(@"/login\.html\?returnUrl=%2F$"),
            new PageAssertionsToHaveURLOptions { Timeout = 20_000 });
    }
}
