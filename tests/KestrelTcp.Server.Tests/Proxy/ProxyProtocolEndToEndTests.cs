using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Proxy;

/// <summary>A listener with <c>ProxyProtocol</c> on, with the test playing the balancer from loopback (trusted by default).</summary>
public sealed class ProxyProtocolEndToEndTests
{
    private static readonly IPEndPoint Frontend = new(IPAddress.Parse("198.51.100.1"), 9000);

    /// <summary>Both transports: the event loop (inline scheduling) and Kestrel's socket transport.</summary>
    public static TheoryData<string, bool> VersionsAndTransports() => new()
    {
        { "v1", true }, { "v1", false }, { "v2", true }, { "v2", false },
    };

    [Theory]
    [MemberData(nameof(VersionsAndTransports))]
    public async Task TheHeadersClientIsTheSessionsRemoteEndPointAndTheFrameInTheSameWriteIsServed(string version, bool inline)
    {
        await using var server = await StartAsync(("InlineScheduling", inline ? "true" : "false"));
        var client = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40001);
        await using var balancer = await server.ConnectAsync("edge");

        await balancer.SendAsync(Header(version, client, Frontend).Then("first frame\n"));

        Assert.Equal("first frame", await balancer.ReceiveLineAsync());
        var session = Assert.Single(await SessionsAsync(server));
        Assert.Equal("203.0.113.9:40001", session.RemoteEndPoint);
        Assert.Equal(server.TcpEndPoint("edge").ToString(), session.LocalEndPoint);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task AnIPv6ClientIsShownAsIPv6(string version)
    {
        await using var server = await StartAsync();
        await using var balancer = await server.ConnectAsync("edge");

        await balancer.SendAsync(Header(version, new IPEndPoint(IPAddress.Parse("2001:db8::9"), 50000), new IPEndPoint(IPAddress.Parse("2001:db8::1"), 9000)).Then("six\n"));

        Assert.Equal("six", await balancer.ReceiveLineAsync());
        Assert.Equal("[2001:db8::9]:50000", Assert.Single(await SessionsAsync(server)).RemoteEndPoint);
    }

    [Theory]
    [InlineData("v1", true)]
    [InlineData("v2", false)]
    public async Task AHeaderSplitAcrossWritesIsReadWhole(string version, bool inline)
    {
        await using var server = await StartAsync(("InlineScheduling", inline ? "true" : "false"));
        await using var balancer = await server.ConnectAsync("edge");
        var stream = Header(version, new IPEndPoint(IPAddress.Parse("192.0.2.44"), 1234), Frontend).Then("after\n");

        // Three writes, each given time to arrive as a read of its own: inside the signature, inside the addresses, then the rest with the frame.
        foreach (var (start, end) in new[] { (0, 3), (3, 20), (20, stream.Length) })
        {
            await balancer.SendAsync(stream[start..end]);
            await Task.Delay(50);
        }

        Assert.Equal("after", await balancer.ReceiveLineAsync());
        Assert.Equal("192.0.2.44:1234", Assert.Single(await SessionsAsync(server)).RemoteEndPoint);
    }

    [Fact]
    public async Task AV2LocalHeaderKeepsTheProxysOwnAddress()
    {
        await using var server = await StartAsync();
        await using var balancer = await server.ConnectAsync("edge");
        byte[] local = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00];

        await balancer.SendAsync(local.Then("health\n"));

        Assert.Equal("health", await balancer.ReceiveLineAsync());
        Assert.Equal(balancer.LocalEndPoint, Assert.Single(await SessionsAsync(server)).RemoteEndPoint);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "first byte is 'G'")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 70000 9000\r\nhello\n", "source port 70000 is out of range")]
    [InlineData("PROXY TCP4 1.2.3 5.6.7.8 1 9000\r\n", "source address '1.2.3' is not an IPv4 address")]
    public async Task AMalformedHeaderClosesTheConnectionWithTheRecordedReason(string stream, string expected)
    {
        await using var server = await StartAsync();
        await using var balancer = await server.ConnectAsync("edge");

        await balancer.SendAsync(stream);

        Assert.True(await balancer.WaitForCloseAsync());
        var closed = await ClosedAsync(server);
        Assert.Equal(CloseReason.ProxyHeader, closed.CloseReason);
        Assert.Contains(expected, closed.CloseDetail, StringComparison.Ordinal);
        Assert.Equal(balancer.LocalEndPoint, closed.RemoteEndPoint);
        Assert.Equal(1, await RejectionsAsync(server, "proxyHeader"));
        Assert.Equal(0, server.GetRequiredService<SessionRegistry>().Count);
    }

    [Fact]
    public async Task NoHeaderWithinTheTimeoutClosesTheConnectionWithTheRecordedReason()
    {
        await using var server = await StartAsync(("ProxyHeaderTimeout", "00:00:00.5"));
        await using var balancer = await server.ConnectAsync("edge");

        // Half a header, then nothing.
        await balancer.SendAsync("PROXY TCP4 1.2.3.4");

        Assert.True(await balancer.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        var closed = await ClosedAsync(server);
        Assert.Equal(CloseReason.ProxyHeader, closed.CloseReason);
        Assert.StartsWith("No complete PROXY protocol header within 0.5 s (18 bytes received)", closed.CloseDetail, StringComparison.Ordinal);
        Assert.Equal(1, await RejectionsAsync(server, "proxyHeader"));
    }

    [Fact]
    public async Task AConnectionThatClosesBeforeItsHeaderIsRecorded()
    {
        await using var server = await StartAsync();
        var balancer = await server.ConnectAsync("edge");
        await balancer.SendAsync("PROXY ");
        await balancer.DisposeAsync();

        var closed = await ClosedAsync(server);
        Assert.Equal(CloseReason.ProxyHeader, closed.CloseReason);
        Assert.Contains("closed after 6 bytes, before a complete PROXY protocol header", closed.CloseDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnectionFromAnUntrustedAddressIsRefusedWithTheRecordedReason()
    {
        await using var server = await StartAsync(("TrustedProxies:0", "10.0.0.0/8"), ("TrustedProxies:1", "fd00::/8"));
        await using var balancer = await server.ConnectAsync("edge");

        // Even with a well-formed header: loopback is not a trusted proxy here.
        await balancer.SendAsync(ProxyHeaders.V1(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 1), Frontend).Then("hi\n"));

        Assert.True(await balancer.WaitForCloseAsync());
        var closed = await ClosedAsync(server);
        Assert.Equal(CloseReason.Refused, closed.CloseReason);
        Assert.StartsWith($"Untrusted proxy: {balancer.LocalEndPoint} is not in the TrustedProxies of listener 'edge' (10.0.0.0/8, fd00::/8)", closed.CloseDetail, StringComparison.Ordinal);
        Assert.Equal(1, await RejectionsAsync(server, "untrustedProxy"));
    }

    [Fact]
    public async Task AdmissionControlJudgesTheClientTheHeaderNamesNotTheProxy()
    {
        await using var server = await StartAsync(("Admission:Deny:0", "203.0.113.0/24"));
        await using var denied = await server.ConnectAsync("edge");
        await using var allowed = await server.ConnectAsync("edge");

        await denied.SendAsync(ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 1), Frontend).Then("no\n"));
        await allowed.SendAsync(ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 2), Frontend).Then("yes\n"));

        Assert.True(await denied.WaitForCloseAsync());
        Assert.Equal("yes", await allowed.ReceiveLineAsync());
        var closed = await ClosedAsync(server);
        Assert.Equal(CloseReason.Refused, closed.CloseReason);
        Assert.Equal("203.0.113.9:1", closed.RemoteEndPoint);
        Assert.StartsWith("Denied by CIDR: 203.0.113.9 ", closed.CloseDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnATlsListenerTheHeaderComesBeforeTheHandshake()
    {
        using var tls = new TlsFiles();
        var settings = tls.Listener("secure").With("KestrelTcp:Listeners:secure:ProxyProtocol", "true");
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.TcpEndPoint("secure")).WaitAsync(TimeSpan.FromSeconds(10));
        await socket.SendAsync(ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("192.0.2.77"), 4433), Frontend));
        await using var stream = new SslStream(new NetworkStream(socket), leaveInnerStreamOpen: false);
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => tls.TrustsServer(certificate),
        }).WaitAsync(TimeSpan.FromSeconds(15));

        await stream.WriteAsync(Encoding.ASCII.GetBytes("secret\n")).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("secret\n", Encoding.ASCII.GetString(buffer, 0, read));
        var session = Assert.Single(await SessionsAsync(server));
        Assert.Equal("192.0.2.77:4433", session.RemoteEndPoint);
        Assert.True(session.Encrypted);
    }

    [Fact]
    public async Task WithProxyProtocolOffAHeaderIsJustData()
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("plain", "Echo"), includeDefaultListener: false);
        await using var client = await server.ConnectAsync("plain");

        await client.SendAsync(ProxyHeaders.V1(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 1), Frontend));

        Assert.Equal("PROXY TCP4 203.0.113.9 198.51.100.1 1 9000", await client.ReceiveLineAsync());
        Assert.Equal(client.LocalEndPoint, Assert.Single(await SessionsAsync(server)).RemoteEndPoint);
    }

    private static byte[] Header(string version, IPEndPoint client, IPEndPoint destination) =>
        version == "v1" ? ProxyHeaders.V1(client, destination) : ProxyHeaders.V2(client, destination);

    private static Task<TestServer> StartAsync(params (string Key, string Value)[] extra) =>
        TestServer.StartAsync(Settings.Listener("edge", "Echo", extra: [("ProxyProtocol", "true"), .. extra]), includeDefaultListener: false);

    private static async Task<IReadOnlyList<SessionInfo>> SessionsAsync(TestServer server)
    {
        await server.WaitForSessionCountAsync(1);
        using var http = server.CreateHttpClient(TestRole.Viewer);
        return (await (await http.GetAsync("/api/sessions").Within()).ReadAsync<SessionPage>().Within()).Items;
    }

    private static async Task<SessionInfo> ClosedAsync(TestServer server)
    {
        var registry = server.GetRequiredService<SessionRegistry>();
        await Eventually.WaitAsync(() => registry.RecentlyClosed().Any(), TimeSpan.FromSeconds(10), "a closed connection");
        return registry.RecentlyClosed().Single();
    }

    private static async Task<long> RejectionsAsync(TestServer server, string reason)
    {
        using var http = server.CreateHttpClient();
        var listeners = await http.GetFromJsonAsync<JsonElement>("/api/listeners").WaitAsync(TimeSpan.FromSeconds(10));
        return listeners.EnumerateArray().Single(l => l.GetProperty("name").GetString() == "edge").GetProperty("rejections").GetProperty(reason).GetInt64();
    }
}
