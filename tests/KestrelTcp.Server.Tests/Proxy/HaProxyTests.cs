using System.Net;
using System.Net.Sockets;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Proxy;

/// <summary>A real HAProxy in TCP mode in front of a listener with ProxyProtocol on.</summary>
public sealed class HaProxyTests
{
    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task ThroughHaProxyTheSessionsRemoteEndPointIsTheClientAndEchoWorks(string version)
    {
        await using var server = await TestServer.StartAsync(Settings.Listener("edge", "Echo", extra: ("ProxyProtocol", "true")), includeDefaultListener: false);
        await using var haproxy = await HaProxy.StartAsync(server.TcpEndPoint("edge"));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, version == "v1" ? haproxy.V1Port : haproxy.V2Port)).WaitAsync(TimeSpan.FromSeconds(10));
        await using var client = new TestTcpClient(socket);

        await client.SendLineAsync($"through haproxy {version}");

        Assert.Equal($"through haproxy {version}", await client.ReceiveLineAsync());
        await server.WaitForSessionCountAsync(1);
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var session = Assert.Single((await (await http.GetAsync("/api/sessions").Within()).ReadAsync<SessionPage>().Within()).Items);
        Assert.Equal(client.LocalEndPoint, session.RemoteEndPoint);
        await client.SendLineAsync("again");
        Assert.Equal("again", await client.ReceiveLineAsync());
    }
}
