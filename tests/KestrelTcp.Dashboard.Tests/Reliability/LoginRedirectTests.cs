using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Playwright;

namespace KestrelTcp.Dashboard.Tests.Reliability;

/// <summary>
/// Issue 11, item 7: the sign-in page's <c>returnUrl</c> cannot send a user to another site after a
/// successful sign-in, whatever the browser makes of the string (it drops tabs and line feeds, so
/// <c>/&lt;TAB&gt;/evil</c> is <c>//evil</c>, and it reads <c>/\evil</c> as <c>//evil</c>).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LoginRedirectTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _browser;

    public LoginRedirectTests(BrowserFixture browser) => _browser = browser;

    [Theory]
    [InlineData("/\t/evil.example/x")]
    [InlineData("/\n/evil.example/x")]
    [InlineData("/\r\n/evil.example/x")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\t//evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task SigningInWithAForeignReturnUrlStaysOnTheServer(string returnUrl)
    {
        await using var server = await TestServer.StartAsync();
        await using var signIn = await SignInPage.OpenAsync(_browser.Browser, server, returnUrl);

        var landed = await signIn.SignInAsync();

        Assert.Equal(server.HttpAddress.GetLeftPart(UriPartial.Authority), landed.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/", landed.AbsolutePath);
        Assert.Empty(signIn.ForeignRequests);
        Assert.Empty(signIn.Dialogs);
    }

    [Fact]
    public async Task SigningInWithALocalReturnUrlKeepsItsPathQueryAndFragment()
    {
        await using var server = await TestServer.StartAsync();
        await using var signIn = await SignInPage.OpenAsync(_browser.Browser, server, "/?q=1#x");

        var landed = await signIn.SignInAsync();

        Assert.Equal(server.HttpAddress.GetLeftPart(UriPartial.Authority), landed.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/?q=1#x", landed.PathAndQuery + landed.Fragment);
        Assert.Empty(signIn.ForeignRequests);
    }

    /// <summary>
    /// The sign-in page in a fresh context. Every request to another host is answered here with a page of
    /// our own (so a redirect to it is seen, never sent out) and recorded.
    /// </summary>
    private sealed class SignInPage : IAsyncDisposable
    {
        private readonly IBrowserContext _context;

        private SignInPage(IBrowserContext context, IPage page)
        {
            _context = context;
            Page = page;
            page.Dialog += async (_, dialog) =>
            {
                Dialogs.Add($"{dialog.Type}: {dialog.Message}");
                await dialog.DismissAsync();
            };
        }

        public IPage Page { get; }

        public List<string> ForeignRequests { get; } = [];

        public List<string> Dialogs { get; } = [];

        public static async Task<SignInPage> OpenAsync(IBrowser browser, TestServer server, string returnUrl)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.HttpAddress.ToString() });
            context.SetDefaultTimeout(10_000);
            var authority = server.HttpAddress.Authority;
            var page = new SignInPage(context, await context.NewPageAsync());
            await context.RouteAsync(
                url => !url.StartsWith("http://" + authority + "/", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal),
                async route =>
                {
                    page.ForeignRequests.Add(route.Request.Url);
                    await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<h1>phished</h1>" });
                });
            await page.Page.GotoAsync("/login.html?returnUrl=" + Uri.EscapeDataString(returnUrl));
            return page;
        }

        /// <summary>Signs in as the operator through the form and returns where the page then is.</summary>
        public async Task<Uri> SignInAsync()
        {
            await Page.Locator("#user-name").FillAsync(TestCredentials.OperatorUserName);
            await Page.Locator("#password").FillAsync(TestCredentials.OperatorPassword);
            await Page.Locator("#login-submit").ClickAsync();
            await Page.WaitForURLAsync(url => !url.Contains("/login.html", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 10_000 });
            return new Uri(Page.Url);
        }

        public async ValueTask DisposeAsync() => await _context.CloseAsync();
    }
}
