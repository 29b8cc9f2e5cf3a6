using System.Net;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelTcp.Server.Tests.Security;

public sealed partial class FirstRunTests
{
    [Fact]
    public async Task WithoutUsersThePrintedFirstRunPasswordSignsInAsOperator()
    {
        var console = new StringWriter();
        var logs = new RecordingLoggerProvider();
        await using var server = await TestServer.StartAsync(includeDefaultCredentials: false, configure: b =>
        {
            b.Services.AddSingleton(new FirstRunConsole(console));
            b.Logging.AddProvider(logs);
            b.Logging.AddFilter(_ => true);
        });
        var printed = console.ToString();
        var userName = UserNameLine().Match(printed).Groups[1].Value;
        var password = PasswordLine().Match(printed).Groups[1].Value;
        using var browser = SecurityHttp.CreateBrowser(server);

        using var login = await browser.LoginAsync(userName, password);
        var me = await login.ReadAsync<CurrentUser>().Within();

        Assert.Equal("admin", userName);
        Assert.Equal(20, password.Length);
        Assert.Contains("hash-password", printed);
        Assert.Contains("KestrelTcp:Security:Users", printed);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(SecurityRole.Operator, me.Role);
        Assert.Single(Regex.Matches(printed, Regex.Escape(password)));
        Assert.Contains(logs.Messages, m => m.Contains("first-run operator admin", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePasswordIsHandedOutOnlyOnce()
    {
        var console = new StringWriter();
        await using var server = await TestServer.StartAsync(includeDefaultCredentials: false, configure: b => b.Services.AddSingleton(new FirstRunConsole(console)));

        Assert.True(server.GetRequiredService<UserStore>().IsFirstRun);
        Assert.Null(server.GetRequiredService<UserStore>().TakeFirstRunPassword());
    }

    [Fact]
    public async Task NothingIsPrintedWhenUsersAreConfigured()
    {
        var console = new StringWriter();
        await using var server = await TestServer.StartAsync(configure: b => b.Services.AddSingleton(new FirstRunConsole(console)));
        using var browser = SecurityHttp.CreateBrowser(server);

        using var admin = await browser.LoginAsync(UserStore.FirstRunUserName, "anything");

        Assert.Equal(string.Empty, console.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    [GeneratedRegex(@"^\s*User name:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex UserNameLine();

    [GeneratedRegex(@"^\s*Password:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();
}
