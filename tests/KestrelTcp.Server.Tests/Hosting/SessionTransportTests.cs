using System.Text;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Tests.Hosting;

/// <summary>
/// Plain session listeners are bound by the inline transport (sessions run on the socket thread);
/// a listener with InlineScheduling off, a TLS listener and the HTTP endpoints stay on Kestrel's
/// default socket transport.
/// </summary>
public sealed class SessionTransportTests : IDisposable
{
    private readonly TlsFiles _tls = new();

    public void Dispose() => _tls.Dispose();

    [Fact]
    public async Task OnlyPlainListenersWithInlineSchedulingAreBoundByTheInlineTransport()
    {
        var settings = Settings.Listener("inline", "Echo")
            .With(Settings.Listener("pooled", "Echo", extra: ("InlineScheduling", "false")))
            .With(_tls.Listener("secure"));
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);

        var factory = server.GetRequiredService<IEnumerable<IConnectionListenerFactory>>().OfType<SessionTransportFactory>().Single();
        var bound = factory.Bound.Select(e => e.ToString() ?? "").ToList();
        Assert.Equal([server.TcpEndPoint("inline").ToString()], bound);
        Assert.DoesNotContain(server.TcpEndPoint("pooled").ToString(), bound);
        Assert.DoesNotContain(server.TcpEndPoint("secure").ToString(), bound);
        Assert.DoesNotContain(bound, e => e.EndsWith($":{server.HttpAddress.Port}", StringComparison.Ordinal));

        // On Linux the inline listener is served by the event loops (one per core).
        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 1, 16), factory.EventLoops);

        // Both scheduling choices serve sessions end to end, and the HTTP API answers.
        foreach (var name in new[] { "inline", "pooled" })
        {
            await using var client = await server.ConnectAsync(name);
            await client.SendAsync($"hello {name}\n");
            var codec = server.GetRequiredService<ListenerCatalog>().Find(name)!.Codec;
            Assert.Equal($"hello {name}", Encoding.UTF8.GetString(await client.ReceiveFrameAsync(codec)));
        }

        // Both transports hand the session its socket, so TCP keepalive is set on either kind.
        foreach (var name in new[] { "inline", "pooled" })
        {
            await using var client = await server.ConnectAsync(name);
            var id = await server.SessionIdOfAsync(client);
            Assert.True(server.GetRequiredService<SessionRegistry>().TryGet(id, out var session));
            var socket = session.Socket;
            Assert.NotNull(socket);
            Assert.Equal(1, (int)socket.GetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.KeepAlive)!);
            Assert.Equal(60, (int)socket.GetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveTime)!);
        }

        using var http = server.CreateHttpClient();
        Assert.True((await http.GetAsync("/api/listeners").Within()).IsSuccessStatusCode);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task AListenerWhosePortIsTakenStopsTheServerNamingTheAddress(string inline)
    {
        using var taken = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        taken.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((System.Net.IPEndPoint)taken.LocalEndPoint!).Port;
        var settings = Settings.Listener("busy", "Echo", extra: ("InlineScheduling", inline)).With("KestrelTcp:Listeners:busy:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Both transports fail the same way: Kestrel's "address already in use" with the address.
        var error = await Assert.ThrowsAsync<IOException>(() => TestServer.StartAsync(settings, includeDefaultListener: false)).Within();
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("address already in use", error.Message);
    }
}
