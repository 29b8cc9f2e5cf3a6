using KestrelTcp.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>
/// The dashboard open in its own browser context, signed in through the server's real sign-in endpoint.
/// Records script errors and JavaScript dialogs, so tests can assert that none happened.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Errors.Add($"page: {error}");
        page.Dialog += async (_, dialog) =>
        {
            Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    /// <summary>Script errors and console errors, in order.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>alert/confirm/prompt dialogs the page opened (none should).</summary>
    public List<string> Dialogs { get; } = [];

    public ILocator Rows => Page.Locator("#grid-body .row");

    public ILocator Banner => Page.Locator("#banner");

    public ILocator LogFrames => Page.Locator("#traffic-log .frame");

    /// <summary>Opens the dashboard as <paramref name="role"/> and waits until its hub is live (unless
    /// <paramref name="waitUntilLive"/> is false).</summary>
    public static async Task<DashboardPage> OpenAsync(IBrowser browser, TestServer server, int width = 1440, int height = 900, TestRole role = TestRole.Operator, bool waitUntilLive = true)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.HttpAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Light,
            ReducedMotion = ReducedMotion.Reduce,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(10_000);
        var (user, password) = TestCredentials.User(role);
        var login = await context.APIRequest.PostAsync("/auth/login", new APIRequestContextOptions { DataObject = new { userName = user, password } });
        Assert.True(login.Ok, $"Sign-in failed: {login.Status} {await login.TextAsync()}");

        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page);
        await page.GotoAsync("/");
        if (waitUntilLive)
        {
            await Expect(page.Locator("#hub-state-label")).ToHaveTextAsync("Live");
        }

        return dashboard;
    }

    /// <summary>The table row of the session whose client has local endpoint <paramref name="clientEndPoint"/>.</summary>
    public ILocator RowOf(TestTcpClient client) => RowOf(client.LocalEndPoint);

    /// <summary>The table row of the session whose remote endpoint is <paramref name="clientEndPoint"/>.</summary>
    public ILocator RowOf(string clientEndPoint) => Page.Locator("#grid-body .row", new PageLocatorOptions { HasText = clientEndPoint });

    public async Task SelectAsync(TestTcpClient client)
    {
        await RowOf(client).ClickAsync();
        await Expect(Page.Locator("#pane-id")).Not.ToBeEmptyAsync();
    }

    public Task ScreenshotAsync(string name, bool fullPage = false) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.PathFor($"{name}.png"), FullPage = fullPage });

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
