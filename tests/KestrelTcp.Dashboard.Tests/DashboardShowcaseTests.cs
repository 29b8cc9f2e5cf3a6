using System.Globalization;
using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>
/// A busy server as an operator meets it: three listeners, devices arriving over several seconds and
/// talking at varying rates, some kicked, some gone. Saves the screenshots the README uses
/// (dashboard.png), in a narrow window and in dark mode, and checks the page held up.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardShowcaseTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser;

    public DashboardShowcaseTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task PresentsABusyServerOnALaptopANarrowScreenAndInDarkMode()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:trackers:Address"] = "127.0.0.1",
            ["KestrelTcp:Listeners:trackers:Port"] = "0",
            ["KestrelTcp:Listeners:trackers:Framing:Kind"] = "Line",
            ["KestrelTcp:Listeners:sensors:Address"] = "127.0.0.1",
            ["KestrelTcp:Listeners:sensors:Port"] = "0",
            ["KestrelTcp:Listeners:sensors:Mode"] = "Echo",
            ["KestrelTcp:Listeners:sensors:Framing:Kind"] = "Line",
            ["KestrelTcp:Listeners:plc:Address"] = "127.0.0.1",
            ["KestrelTcp:Listeners:plc:Port"] = "0",
            ["KestrelTcp:Listeners:plc:Framing:Kind"] = "Line",
        }, includeDefaultListener: false);
        await using var probe = await HubProbe.ConnectAsync(server);
        using var stop = new CancellationTokenSource();
        var devices = new List<TestTcpClient>();
        var talking = new List<Task>();
        try
        {
            // Devices arrive over the first seconds, so the charts have a story to tell.
            for (var wave = 0; wave < 6; wave++)
            {
                for (var i = 0; i < 7; i++)
                {
                    var n = devices.Count;
                    var listener = n % 6 == 5 ? "plc" : n % 3 == 2 ? "sensors" : "trackers";
                    var device = await server.ConnectAsync(listener);
                    devices.Add(device);
                    talking.Add(TalkAsync(device, listener, n, stop.Token));
                }

                var totals = probe.TotalsMessages;
                await probe.WaitUntilAsync(p => p.TotalsMessages > totals, "the next totals sample");
            }

            var kicked = await probe.InvokeAsync<CommandReply>(nameof(DashboardHub.Kick), new KickCommand(
                [await server.SessionIdOfAsync(devices[4]), await server.SessionIdOfAsync(devices[9])], "Firmware update scheduled"));
            Assert.True(kicked.Ok, kicked.Error);
            await devices[13].DisposeAsync();
            await devices[20].DisposeAsync();
            for (var second = 0; second < 8; second++)
            {
                var totals = probe.TotalsMessages;
                await probe.WaitUntilAsync(p => p.TotalsMessages > totals, "the next totals sample");
            }

            await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
            await Expect(page.Page.Locator("#count-live")).ToHaveTextAsync(server.SessionIds().Count.ToString(CultureInfo.InvariantCulture));
            await page.Page.Locator("[data-sort=age]").ClickAsync();
            await Expect(page.Page.Locator("[data-sort=age]")).ToHaveAttributeAsync("aria-sort", "descending");
            await page.Page.Locator("#grid-body .row[data-index='2']").ClickAsync();
            await page.RowOf(devices[0]).ClickAsync(new LocatorClickOptions { Modifiers = [KeyboardModifier.Control] });
            await Expect(page.Page.Locator("#selection-info")).ToHaveTextAsync("2 selected");
            await Expect(page.Page.Locator("#fact-remote")).ToHaveTextAsync(devices[0].LocalEndPoint);
            await page.Page.Locator("#payload").FillAsync("$PMTK220,1000*1F");
            await page.Page.Locator("#send").ClickAsync();
            await Expect(page.Page.Locator("#composer-status")).ToContainTextAsync("for 2 sessions");
            await Expect(page.LogFrames.Filter(new LocatorFilterOptions { HasText = "$PMTK220" })).ToHaveCountAsync(1);
            await page.Page.Mouse.MoveAsync(0, 0);
            Assert.Equal(4, await page.Page.Locator(".stat-chart canvas").CountAsync());
            foreach (var listener in new[] { "trackers", "sensors", "plc" })
            {
                var live = server.GetRequiredService<KestrelTcp.Server.Sessions.ListenerCatalog>().Find(listener)!.Sessions.Count;
                await Expect(page.Page.Locator($".listener-chip[data-listener='{listener}'] .chip-count")).ToHaveTextAsync(live.ToString(CultureInfo.InvariantCulture));
            }

            await page.ScreenshotAsync("dashboard");

            await page.Page.Locator("#tab-closed").ClickAsync();
            await Expect(page.Page.Locator(".closed-item")).ToHaveCountAsync(4);
            await page.ScreenshotAsync("dashboard-closed");
            await page.Page.Locator("#tab-live").ClickAsync();

            await page.Page.SetViewportSizeAsync(420, 900);
            await Expect(page.Rows.First).ToBeVisibleAsync();
            await page.ScreenshotAsync("dashboard-narrow", fullPage: true);

            await page.Page.SetViewportSizeAsync(1440, 900);
            await page.Page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
            await page.ScreenshotAsync("dashboard-dark");
            Assert.Empty(page.Errors);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(talking);
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    /// <summary>What a device says: trackers NMEA sentences, sensors readings, PLCs status words.</summary>
    private static async Task TalkAsync(TestTcpClient device, string listener, int n, CancellationToken stop)
    {
        var random = new Random(n);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(listener == "trackers" ? 400 + (n % 5 * 150) : 900 + (n % 4 * 300)));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var line = listener switch
                {
                    "trackers" => $"$GPRMC,{DateTime.UtcNow:HHmmss.ff},A,{4807 + random.Next(0, 50)}.{random.Next(100, 999)},N,{1131 + random.Next(0, 40)}.{random.Next(100, 999)},E,{random.Next(0, 60)}.{random.Next(0, 9)},{random.Next(0, 359)}.0,{DateTime.UtcNow:ddMMyy},,,A*6A",
                    "sensors" => $"{{\"unit\":\"th-{n:D3}\",\"t\":{20 + random.NextDouble() * 4:F2},\"rh\":{40 + random.Next(0, 20)},\"bat\":{3.1 + random.NextDouble() * 0.6:F2}}}",
                    _ => $"PLC{n:D2} STAT RUN Q0={random.Next(0, 255):X2} IW64={random.Next(0, 27648)} \u0002OK\u0003",
                };
                await device.SendLineAsync(line);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Kicked or closed by the test.
        }
    }
}
