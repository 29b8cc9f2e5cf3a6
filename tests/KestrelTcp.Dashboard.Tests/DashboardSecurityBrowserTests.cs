using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The dashboard's security parts in Chromium: the audit log tab, sign-out and the TLS lock.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardSecurityBrowserTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser;

    public DashboardSecurityBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ShowsAnOperatorsSendAsTheNewestRowOfTheAuditLog()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.SelectAsync(client);
        await page.Page.Locator("#payload").FillAsync("hello");
        await page.Page.Locator("#send").ClickAsync();
        Assert.Equal("hello", await client.ReceiveLineAsync());

        await page.Page.Locator("#tab-audit").ClickAsync();

        var newest = page.Page.Locator("#audit-body .audit-row").First;
        await Expect(newest.Locator(".a-action")).ToHaveTextAsync("Send");
        await Expect(newest.Locator(".actor-name")).ToHaveTextAsync(TestCredentials.OperatorUserName);
        await Expect(newest.Locator(".a-actor small")).ToHaveTextAsync("user · Operator");
        await Expect(newest.Locator(".a-result")).ToHaveTextAsync("Allowed");
        await Expect(newest.Locator(".a-targets")).ToHaveTextAsync(id);
        await Expect(newest.Locator(".a-source")).ToHaveTextAsync("127.0.0.1");
        await Expect(newest.Locator(".payload-size")).ToHaveTextAsync("5 B");
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hello")));
        await Expect(newest.Locator(".payload-hash")).ToHaveTextAsync($"{sha[..12]}…");
        await Expect(newest.Locator(".payload-hash")).ToHaveAttributeAsync("title", $"SHA-256 {sha}");
        await Expect(page.Page.Locator("#audit-body .audit-row").Nth(1).Locator(".a-action")).ToHaveTextAsync("Login");
        await Expect(page.Page.Locator("#panel-live")).ToBeHiddenAsync();
        await page.ScreenshotAsync("audit-log");

        // A kick made elsewhere shows after a refresh, above the send.
        using var api = server.CreateHttpClient();
        using var kick = await api.DeleteAsync(new Uri($"/api/sessions/{id}?reason=audit+check", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(kick.IsSuccessStatusCode, $"Kick failed: {kick.StatusCode}");
        await page.Page.Locator("#audit-refresh").ClickAsync();
        await Expect(newest.Locator(".a-action")).ToHaveTextAsync("Kick");
        await Expect(newest.Locator(".actor-name")).ToHaveTextAsync(TestCredentials.OperatorKeyName);
        await Expect(newest.Locator(".audit-detail")).ToHaveTextAsync("audit check");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task PagesThroughTheAuditLogNewestFirst()
    {
        const int Sends = 30;
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var id = await server.SessionIdOfAsync(client);
        using var api = server.CreateHttpClient();
        for (var i = 0; i < Sends; i++)
        {
            using var content = new StringContent($$"""{"text":"n{{i}}"}""", Encoding.UTF8, "application/json");
            using var sent = await api.PostAsync(new Uri($"/api/sessions/{id}/send", UriKind.Relative), content).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(sent.IsSuccessStatusCode, $"Send failed: {sent.StatusCode}");
        }

        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await page.Page.Locator("#tab-audit").ClickAsync();

        // The 30 sends and the page's own sign-in: 31 records, 25 to a page.
        var rows = page.Page.Locator("#audit-body .audit-row");
        await Expect(page.Page.Locator("#audit-range")).ToHaveTextAsync("1–25 of 31");
        await Expect(rows).ToHaveCountAsync(25);
        await Expect(page.Page.Locator("#audit-newer")).ToBeDisabledAsync();
        var ids = await IdsAsync(rows);
        Assert.Equal(ids.OrderDescending(), ids);
        await Expect(rows.First.Locator(".a-action")).ToHaveTextAsync("Login");

        await page.Page.Locator("#audit-older").ClickAsync();
        await Expect(page.Page.Locator("#audit-range")).ToHaveTextAsync("26–31 of 31");
        await Expect(rows).ToHaveCountAsync(6);
        await Expect(page.Page.Locator("#audit-older")).ToBeDisabledAsync();
        Assert.True((await IdsAsync(rows)).Max() < ids.Min());
        await Expect(rows.Last.Locator(".a-action")).ToHaveTextAsync("Send");

        await page.Page.Locator("#audit-newer").ClickAsync();
        await Expect(page.Page.Locator("#audit-range")).ToHaveTextAsync("1–25 of 31");
        Assert.Equal(ids, await IdsAsync(rows));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task OffersAViewerNoAuditLogAndTheServerRefusesItToo()
    {
        await using var server = await TestServer.StartAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server, role: TestRole.Viewer);

        await Expect(page.Page.Locator("#user-role")).ToHaveTextAsync("Viewer");
        await Expect(page.Page.Locator("#tab-audit")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#panel-audit")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#tab-closed")).ToBeVisibleAsync();
        var audit = await page.Page.Context.APIRequest.GetAsync("/api/audit");
        Assert.Equal(403, audit.Status);
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task SignOutGoesToTheSignInPageAndTheApiAndHubRefuseTheOldSession()
    {
        await using var server = await TestServer.StartAsync();
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await Expect(page.Page.Locator("#user-name")).ToHaveTextAsync(TestCredentials.OperatorUserName);
        await Expect(page.Page.Locator("#sign-out")).ToBeVisibleAsync();
        await page.ScreenshotAsync("signed-in-header");

        await page.Page.Locator("#sign-out").ClickAsync();

        await Expect(page.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/login\.html$"));
        await Expect(page.Page.Locator("#login-form")).ToBeVisibleAsync();
        await page.ScreenshotAsync("signed-out");
        var request = page.Page.Context.APIRequest;
        Assert.Equal(401, (await request.GetAsync("/api/sessions")).Status);
        Assert.Equal(401, (await request.GetAsync("/auth/me")).Status);
        Assert.Equal(401, (await request.PostAsync("/hubs/dashboard/negotiate?negotiateVersion=1")).Status);

        // The sign-in page asks /auth/me whether someone is still signed in; its 401 is the only complaint.
        Assert.All(page.Errors, error => Assert.Contains("status of 401", error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MarksEncryptedSessionsWithALockInTheTableAndThePane()
    {
        using var tls = new TlsDevice();
        await using var server = await TestServer.StartAsync(tls.Listener("secure"));
        await using var plain = await server.ConnectAsync();
        await using var secure = await tls.ConnectAsync(server, "secure", "over tls");
        await using var page = await DashboardPage.OpenAsync(_browser.Browser, server);
        await Expect(page.Rows).ToHaveCountAsync(2);

        await Expect(page.RowOf(secure.LocalEndPoint).Locator(".tls")).ToBeVisibleAsync();
        await Expect(page.RowOf(secure.LocalEndPoint).Locator(".tls")).ToHaveAttributeAsync("title", "Encrypted (TLS)");
        await Expect(page.RowOf(plain).Locator(".tls")).ToBeHiddenAsync();

        await page.RowOf(secure.LocalEndPoint).ClickAsync();
        await Expect(page.Page.Locator("#pane-transport")).ToHaveTextAsync("TLS");
        await Expect(page.Page.Locator("#pane-transport .tls-icon")).ToBeVisibleAsync();
        await Expect(page.LogFrames.Locator(".frame-data")).ToHaveTextAsync("over tls");
        await page.ScreenshotAsync("tls-session");

        await page.SelectAsync(plain);
        await Expect(page.Page.Locator("#pane-transport")).ToHaveTextAsync("Plain TCP");
        await Expect(page.Page.Locator("#pane-transport .tls-icon")).ToBeHiddenAsync();

        await page.Page.Locator("#filter").FillAsync("tls");
        await Expect(page.Rows).ToHaveCountAsync(1);
        await Expect(page.RowOf(secure.LocalEndPoint)).ToHaveCountAsync(1);
        Assert.Empty(page.Errors);
    }

    private static async Task<List<long>> IdsAsync(ILocator rows) =>
        [.. (await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)")).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
}
