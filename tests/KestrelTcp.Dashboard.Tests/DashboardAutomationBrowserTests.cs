using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The Schedules and Webhooks tabs in Chromium against the real server: a periodic status poll of
/// a tag made in the browser reaches the tagged TCP device, and a webhook added in the browser reaches a
/// real HTTP receiver on loopback, signed.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardAutomationBrowserTests : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly BrowserFixture _browser;

    public DashboardAutomationBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task APeriodicPollOfATagMadeInTheBrowserReachesTheDeviceAndAWebhookReachesItsReceiver()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["KestrelTcp:Listeners:default:Identify:Pattern"] = "^REG,(?<id>.+)$" });
        await using var device = await server.ConnectAsync();
        await device.SendLineAsync("REG,truck-1");
        using var http = server.CreateHttpClient();
        await Eventually.WaitAsync(() => server.GetRequiredService<KestrelTcp.Server.Devices.DeviceRegistry>().Store.Get("truck-1") is not null, Wait, "device registered");
        using (var tagged = await http.PatchAsJsonAsync("/api/devices/truck-1", new { tags = new[] { "north" } }))
        {
            Assert.True(tagged.IsSuccessStatusCode);
        }
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);

        await page.Page.Locator("#tab-schedules").ClickAsync();
        await page.Page.Locator("#schedule-id").FillAsync("poll-north");
        await page.Page.Locator("#schedule-target-kind").SelectOptionAsync("tag");
        await page.Page.Locator("#schedule-target").FillAsync("north");
        await page.Page.Locator("#schedule-payload").FillAsync("?STATUS {counter}");
        await page.Page.Locator("#schedule-kind").SelectOptionAsync("every");
        await page.Page.Locator("#schedule-interval").FillAsync("1");
        await page.Page.Locator("#schedule-save").ClickAsync();
        await Expect(page.Page.Locator("#schedules-status")).ToContainTextAsync("Saved poll-north");

        Assert.Matches("^\\?STATUS [0-9]+$", await device.ReceiveLineAsync(Wait));
        var row = page.Page.Locator("#schedules-body .schedule-row", new PageLocatorOptions { HasText = "poll-north" });
        await Expect(row.Locator(".s-result")).ToContainTextAsync("Sent to 1 of 1", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await row.Locator(".s-stop").ClickAsync();
        await Expect(row.Locator(".s-start")).ToBeVisibleAsync();

        await using var receiver = await Receiver.StartAsync();
        await page.Page.Locator("#tab-webhooks").ClickAsync();
        await page.Page.Locator("#webhook-name").FillAsync("local");
        await page.Page.Locator("#webhook-url").FillAsync(receiver.Url);
        await page.Page.Locator("#webhook-secret").FillAsync("browser-secret");
        await page.Page.Locator("#webhook-add").ClickAsync();
        await Expect(page.Page.Locator("#webhooks-status")).ToHaveTextAsync("Added.");

        await using (var second = await server.ConnectAsync())
        {
            var (body, signature) = await receiver.NextAsync();
            using var json = JsonDocument.Parse(body);
            Assert.Equal("connect", json.RootElement.GetProperty("type").GetString());
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("browser-secret"), body)), signature);
        }

        var hook = page.Page.Locator("#webhooks-body .webhook-row", new PageLocatorOptions { HasText = "local" });
        await hook.Locator(".w-log").ClickAsync();
        await Expect(page.Page.Locator("#webhook-deliveries-body .delivery-row").First).ToContainTextAsync("delivered", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await Expect(page.Page.Locator("#webhooks-body")).Not.ToContainTextAsync("browser-secret");
        await page.ScreenshotAsync("schedules-webhooks");
        Assert.Empty(page.Dialogs);
        Assert.Empty(page.Errors);
    }

    /// <summary>A real HTTP receiver on 127.0.0.1 port 0 that keeps each POST's body and signature.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly Channel<(byte[] Body, string Signature)> _received = Channel.CreateUnbounded<(byte[], string)>();
        private WebApplication _app = null!;

        public string Url { get; private set; } = string.Empty;

        public static async Task<Receiver> StartAsync()
        {
            var receiver = new Receiver();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            receiver._app = builder.Build();
            receiver._app.MapPost("/hook", async (HttpContext context) =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                receiver._received.Writer.TryWrite((buffer.ToArray(), context.Request.Headers["X-KestrelTcp-Signature"].ToString()));
                return Results.Ok();
            });
            await receiver._app.StartAsync().WaitAsync(Wait);
            receiver.Url = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hook";
            return receiver;
        }

        public async Task<(byte[] Body, string Signature)> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync().WaitAsync(Wait);
            await _app.DisposeAsync();
        }
    }
}
