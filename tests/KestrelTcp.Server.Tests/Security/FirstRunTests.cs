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
    public async Task WithoutUsersTheFirstRunPasswordIsKeptInAPrivateFileWhosePathIsPrinted()
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
        var path = PasswordFileLine().Match(printed).Groups[1].Value;
        var password = (await File.ReadAllTextAsync(path)).Trim();
        using var browser = SecurityHttp.CreateBrowser(server);

        using var login = await browser.LoginAsync(userName, password);
        var me = await login.ReadAsync<CurrentUser>().Within();

        Assert.Equal("admin", userName);
        Assert.Equal(Path.Combine(server.DataPath, FirstRunCredential.PasswordFileName), path);
        Assert.Equal(20, password.Length);
        if (!OperatingSystem.IsWindows())
        {
            // Readable and writable by the service user only, whatever the umask.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".hash"));
        }
        Assert.Contains("hash-password", printed);
        Assert.Contains("KestrelTcp:Security:Users", printed);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(SecurityRole.Operator, me.Role);
        // Neither the console (docker logs) nor the log has the password; the log names the file.
        Assert.DoesNotContain(password, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(password, StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Contains("first-run operator admin", StringComparison.Ordinal) && m.Contains(path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARestartOnTheSameDataKeepsThePasswordAndTheSignedInCookie()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        var cookies = new CookieContainer();
        string password;
        await using (var first = await TestServer.StartAsync(dataPath: dataPath, includeDefaultCredentials: false, keepDataPath: true,
            configure: b => b.Services.AddSingleton(new FirstRunConsole(TextWriter.Null))))
        {
            password = (await File.ReadAllTextAsync(Path.Combine(dataPath, FirstRunCredential.PasswordFileName))).Trim();
            using var browser = SecurityHttp.CreateBrowser(first, cookies);
            using var login = await browser.LoginAsync(UserStore.FirstRunUserName, password);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var console = new StringWriter();
        await using var second = await TestServer.StartAsync(dataPath: dataPath, includeDefaultCredentials: false,
            configure: b => b.Services.AddSingleton(new FirstRunConsole(console)));
        Assert.False(second.GetRequiredService<UserStore>().FirstRunPasswordCreated);
        Assert.Equal(password, (await File.ReadAllTextAsync(Path.Combine(dataPath, FirstRunCredential.PasswordFileName))).Trim());

        // The cookie from before the restart still signs the browser in, without a new login.
        using var again = SecurityHttp.CreateBrowser(second, cookies);
        using var me = await again.GetAsync("/auth/me").Within();
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(FirstRunCredential.PasswordFileName, console.ToString());
    }

    [Fact]
    public async Task ATamperedPasswordFileIsReplacedAndConfiguringAUserDeletesIt()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(dataPath, FirstRunCredential.PasswordFileName);
        await using (var first = await TestServer.StartAsync(dataPath: dataPath, includeDefaultCredentials: false, keepDataPath: true,
            configure: b => b.Services.AddSingleton(new FirstRunConsole(TextWriter.Null))))
        {
        }

        // A password that does not match the kept hash (edited by hand, or a half-written pair) is not trusted.
        await File.WriteAllTextAsync(file, "abcdefghijkmnopqrstu\n");
        await using (var second = await TestServer.StartAsync(dataPath: dataPath, includeDefaultCredentials: false, keepDataPath: true,
            configure: b => b.Services.AddSingleton(new FirstRunConsole(TextWriter.Null))))
        {
            Assert.True(second.GetRequiredService<UserStore>().FirstRunPasswordCreated);
            var replaced = (await File.ReadAllTextAsync(file)).Trim();
            Assert.NotEqual("abcdefghijkmnopqrstu", replaced);
            using var browser = SecurityHttp.CreateBrowser(second);
            using var login = await browser.LoginAsync(UserStore.FirstRunUserName, replaced);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        await using var configured = await TestServer.StartAsync(dataPath: dataPath);
        Assert.False(configured.GetRequiredService<UserStore>().IsFirstRun);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(file + ".hash"));
    }

    [Fact]
    public async Task WhenThePasswordFileCannotBeWrittenThePasswordIsPrintedOnceForThisRunOnly()
    {
        // (An unwritable DataPath fails the start, naming the setting; here the folder is fine but a
        // folder sits where the password file would go.)
        var dataPath = Path.Combine(Path.GetTempPath(), "kestreltcp-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dataPath, FirstRunCredential.PasswordFileName));
        var console = new StringWriter();
        await using var server = await TestServer.StartAsync(dataPath: dataPath, includeDefaultCredentials: false,
            configure: b => b.Services.AddSingleton(new FirstRunConsole(console)));
        var password = PasswordLine().Match(console.ToString()).Groups[1].Value;
        using var browser = SecurityHttp.CreateBrowser(server);
        using var login = await browser.LoginAsync(UserStore.FirstRunUserName, password);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Null(server.GetRequiredService<UserStore>().FirstRunPasswordPath);
        Assert.Single(Regex.Matches(console.ToString(), Regex.Escape(password)));
        Assert.Contains("kept only in memory", console.ToString());
    }

    [Fact]
    public async Task ThePasswordIsNeverHandedOutWhenItIsInItsFile()
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

    [GeneratedRegex(@"^\s*Password file:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PasswordFileLine();
}
