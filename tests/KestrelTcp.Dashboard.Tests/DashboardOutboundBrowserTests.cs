using System.Net;
using System.Net.Sockets;
using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The Outbound and Recordings tabs in Chromium: dial a device that is a TCP server, use it as a session, record it and replay.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardOutboundBrowserTests : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly BrowserFixture _browser;

    public DashboardOutboundBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task DialsADeviceFromTheBrowserSendsToItRecordsItAndReplaysTheRecording()
    {
        using var device = new TcpListener(IPAddress.Loopback, 0);
        device.Start();
        var target = $"127.0.0.1:{((IPEndPoint)device.LocalEndpoint).Port}";
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Outbound:AllowedTargets:0"] = "127.0.0.0/8:1-65535" });
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);

        await page.Page.Locator("#tab-outbound").ClickAsync();
        await page.Page.Locator("#outbound-name").FillAsync("plc");
        await page.Page.Locator("#outbound-target").FillAsync(target);
        await page.Page.Locator("#outbound-add").ClickAsync();
        await using var socket = new TestTcpClient(await device.AcceptSocketAsync().WaitAsync(Wait));
        await Expect(page.Page.Locator("#outbound-body tr[data-name='plc'] .outbound-state")).ToContainTextAsync("Connected");

        await page.Page.Locator("#tab-live").ClickAsync();
        await page.RowOf(target).ClickAsync();
        await page.Page.Locator("#pane-record").ClickAsync();
        await Expect(page.Page.Locator("#pane-record")).ToHaveTextAsync("Stop recording");
        await page.Page.Locator("#payload").FillAsync("?STATUS");
        await page.Page.Locator("#send").ClickAsync();
        Assert.Equal("?STATUS", await socket.ReceiveLineAsync());
        await socket.SendLineAsync("OK 42");
        var registry = server.GetRequiredService<SessionRegistry>();
        await Eventually.WaitAsync(() => registry.All.Any(s => s.Listener.Name == "plc" && s.FramesIn == 1), Wait, "the device's reply");
        await page.Page.Locator("#pane-record").ClickAsync();
        await Expect(page.Page.Locator("#pane-record")).ToHaveTextAsync("Record");

        await page.Page.Locator("#tab-recordings").ClickAsync();
        var rows = page.Page.Locator("#recordings-body tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("Done");
        await page.Page.Locator("#replay-speed").FillAsync("0");
        await rows.First.Locator("button", new LocatorLocatorOptions { HasText = "Replay" }).ClickAsync();

        Assert.Equal("?STATUS", await socket.ReceiveLineAsync());
        await Expect(page.Page.Locator("#recordings-status")).ToContainTextAsync("Replaying 1 server-to-device frames");
        await page.ScreenshotAsync("outbound-recordings");
        Assert.Empty(page.Dialogs);
        Assert.Empty(page.Errors);
    }
}
