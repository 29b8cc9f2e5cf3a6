using System.Net;
using System.Net.Sockets;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue #11 item 6: sign-ins with fresh user names from one address must not each cost a password hash,
/// and no flood may run more password checks at once than configured.
/// </summary>
public sealed class LoginFloodTests
{
    private const string Lockout = $"{SecurityOptions.SectionName}:Lockout";

    [Fact]
    public async Task FreshNamesFromOneAddressAreRefusedWithoutHashingOnceTheAddressIsLocked()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, new() { [$"{Lockout}:MaxFailuresPerAddress"] = "3" });
        var gate = server.App.Services.GetRequiredService<PasswordVerificationGate>();
        using var browser = SecurityHttp.CreateBrowser(server);

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await browser.LoginAsync($"flood-{i}", "guess");
            first.Add(response.StatusCode);
        }

        var hashedBeforeLock = gate.Verifications;
        var refused = new List<HttpResponseMessage>();
        for (var i = 3; i < 8; i++)
        {
            refused.Add(await browser.LoginAsync($"flood-{i}", "guess"));
        }

        using var rightPassword = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);
        var hashedWhileLocked = gate.Verifications - hashedBeforeLock;

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], first);
        Assert.Equal(3, hashedBeforeLock);
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.Equal(0, hashedWhileLocked);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightPassword.StatusCode);
        Assert.Equal("600", Assert.Single(rightPassword.Headers.GetValues("Retry-After")));
        Assert.Contains("from this address", await rightPassword.ProblemDetailAsync().Within());
        foreach (var response in refused)
        {
            response.Dispose();
        }

        var audit = await SecurityHttp.ReadAuditAsync(server, AuditAction.Login);
        Assert.Equal(6, audit.Count(r => r.Result == AuditResult.LockedOut));

        // The lock runs out like a user name's.
        clock.Advance(TimeSpan.FromMinutes(10));
        using var afterLock = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);
        Assert.Equal(HttpStatusCode.OK, afterLock.StatusCode);
    }

    [Fact]
    public async Task SuccessfulSignInsDoNotCountTowardsTheAddressLock()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, new() { [$"{Lockout}:MaxFailuresPerAddress"] = "3" });
        using var browser = SecurityHttp.CreateBrowser(server);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var right = await browser.LoginAsync(server.ViewerUserName, server.ViewerPassword);
            statuses.Add(right.StatusCode);
        }

        (await browser.LoginAsync("flood-a", "guess")).Dispose();
        (await browser.LoginAsync("flood-b", "guess")).Dispose();
        using var stillAllowed = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.OK, stillAllowed.StatusCode);
    }

    [Fact]
    public async Task ALockedAddressDoesNotLockOtherAddresses()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, new() { [$"{Lockout}:MaxFailuresPerAddress"] = "2" });
        using var flooder = SecurityHttp.CreateBrowser(server);
        (await flooder.LoginAsync("flood-a", "guess")).Dispose();
        (await flooder.LoginAsync("flood-b", "guess")).Dispose();
        using var locked = await flooder.LoginAsync(server.OperatorUserName, server.OperatorPassword);

        // Linux routes all of 127.0.0.0/8 to loopback: a client bound to 127.0.0.2 is another address.
        using var other = new HttpClient(new SocketsHttpHandler { UseCookies = false, ConnectCallback = ConnectFrom127002Async })
        {
            BaseAddress = server.HttpAddress,
            Timeout = Bounded.Timeout,
        };
        using var fromOther = await other.LoginAsync(server.OperatorUserName, server.OperatorPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromOther.StatusCode);
    }

    [Fact]
    public async Task ASignInThatFindsEveryVerificationSlotBusyIsRefusedWithRetryAfterWithoutHashing()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, new()
        {
            [$"{Lockout}:MaxConcurrentVerifications"] = "1",
            [$"{Lockout}:VerificationWait"] = "00:00:00.200",
        });
        var gate = server.App.Services.GetRequiredService<PasswordVerificationGate>();
        using var browser = SecurityHttp.CreateBrowser(server);

        // Hold the only slot, as a flood's hash in progress would.
        Assert.True(await gate.TryEnterAsync().Within());
        HttpResponseMessage busy;
        try
        {
            busy = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);
        }
        finally
        {
            gate.Exit();
        }

        using (busy)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            Assert.Equal("1", Assert.Single(busy.Headers.GetValues("Retry-After")));
            Assert.Contains("being checked right now", await busy.ProblemDetailAsync().Within());
            Assert.False(busy.Headers.Contains("Set-Cookie"));
        }

        Assert.Equal(0, gate.Verifications);
        using var freed = await browser.LoginAsync(server.OperatorUserName, server.OperatorPassword);
        Assert.Equal(HttpStatusCode.OK, freed.StatusCode);
        Assert.Equal(1, gate.Verifications);
    }

    private static Task<TestServer> StartAsync(FakeTimeProvider clock, Dictionary<string, string?> settings) =>
        TestServer.StartAsync(settings, configure: b => b.Services.AddSingleton<TimeProvider>(clock));

    private static async ValueTask<Stream> ConnectFrom127002Async(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
