using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KestrelTcp.Server.Api;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Security;

public sealed class TlsListenerTests : IDisposable
{
    private readonly TlsFiles _tls = new();

    public void Dispose() => _tls.Dispose();

    [Fact]
    public async Task ATlsListenerServesEncryptedSessionsAndSaysSo()
    {
        await using var server = await TestServer.StartAsync(_tls.Listener("secure"), includeDefaultListener: false);
        await using var stream = await ConnectAsync(server, clientCertificate: null);

        Assert.Equal("over tls", await EchoAsync(stream, "over tls"));
        using var http = server.CreateHttpClient(TestRole.Viewer);
        var sessions = await (await http.GetAsync("/api/sessions").Within()).ReadAsync<SessionPage>().Within();
        var listeners = await (await http.GetAsync("/api/listeners").Within()).ReadAsync<ListenerInfo[]>().Within();
        Assert.True(Assert.Single(sessions.Items).Encrypted);
        Assert.True(Assert.Single(listeners).Tls);
    }

    [Fact]
    public async Task APasswordProtectedPkcs12CertificateWorksToo()
    {
        var settings = _tls.Listener("secure");
        settings["KestrelTcp:Listeners:secure:Tls:CertificatePath"] = _tls.ServerPfx;
        settings["KestrelTcp:Listeners:secure:Tls:CertificatePassword"] = TlsFiles.PfxPassword;
        settings.Remove("KestrelTcp:Listeners:secure:Tls:KeyPath");
        await using var server = await TestServer.StartAsync(settings, includeDefaultListener: false);
        await using var stream = await ConnectAsync(server, clientCertificate: null);

        Assert.Equal("pfx", await EchoAsync(stream, "pfx"));
        Assert.Equal(_tls.Server.GetCertHashString(), stream.RemoteCertificate!.GetCertHashString());
    }

    [Fact]
    public async Task WhenClientCertificatesAreRequiredOnlyClientsOfTheConfiguredAuthorityGetASession()
    {
        await using var server = await TestServer.StartAsync(_tls.Listener("devices", "Require", withAuthority: true), includeDefaultListener: false);

        Assert.False(await TryEchoAsync(server, clientCertificate: null));
        Assert.False(await TryEchoAsync(server, _tls.UntrustedClient));
        Assert.Equal(0, server.GetRequiredService<SessionRegistry>().Count);
        Assert.True(await TryEchoAsync(server, _tls.TrustedClient));
    }

    [Fact]
    public async Task WhenClientCertificatesAreAllowedTheyAreOptionalButMustBeValid()
    {
        await using var server = await TestServer.StartAsync(_tls.Listener("devices", "Allow", withAuthority: true), includeDefaultListener: false);

        Assert.True(await TryEchoAsync(server, clientCertificate: null));
        Assert.True(await TryEchoAsync(server, _tls.TrustedClient));
        Assert.False(await TryEchoAsync(server, _tls.UntrustedClient));
    }

    [Fact]
    public async Task APlainTcpClientGetsNoSessionOnATlsListener()
    {
        await using var server = await TestServer.StartAsync(_tls.Listener("secure"), includeDefaultListener: false);
        await using var plain = await server.ConnectAsync("secure");

        await plain.SendLineAsync("hello in the clear");

        Assert.True(await plain.WaitForCloseAsync().Within());
        Assert.Equal(0, server.GetRequiredService<SessionRegistry>().Count);
    }

    [Fact]
    public async Task PlainAndTlsListenersRunSideBySide()
    {
        await using var server = await TestServer.StartAsync(_tls.Listener("secure"));
        await using var plain = await server.ConnectAsync();
        await using var stream = await ConnectAsync(server, clientCertificate: null);
        Assert.Equal("secret", await EchoAsync(stream, "secret"));
        await server.WaitForSessionCountAsync(2);

        var encrypted = server.GetRequiredService<SessionRegistry>().All.ToDictionary(s => s.Listener.Name, s => s.Encrypted);

        Assert.Equal(new Dictionary<string, bool> { ["default"] = false, ["secure"] = true }, encrypted);
    }

    [Theory]
    [InlineData("CertificatePath", "/nonexistent/server.crt", "CertificatePath")]
    [InlineData("CertificatePath", "", "CertificatePath is required")]
    [InlineData("KeyPath", "/nonexistent/server.key", "KeyPath")]
    [InlineData("ClientCertificateMode", "Sometimes", "ClientCertificateMode")]
    [InlineData("ClientCertificateAuthorityPath", "/nonexistent/ca.crt", "ClientCertificateAuthorityPath")]
    public async Task InvalidTlsSettingsStopTheServerNamingTheKey(string key, string value, string expected)
    {
        var settings = _tls.Listener("secure", "Require");
        settings[$"KestrelTcp:Listeners:secure:Tls:{key}"] = value;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings, includeDefaultListener: false)).Within();

        var message = error is OptionsValidationException validation ? string.Join(" ", validation.Failures) : error.ToString();
        Assert.Contains("KestrelTcp:Listeners:secure:Tls:", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task AWrongPkcs12PasswordStopsTheServerNamingTheKey()
    {
        var settings = _tls.Listener("secure");
        settings["KestrelTcp:Listeners:secure:Tls:CertificatePath"] = _tls.ServerPfx;
        settings["KestrelTcp:Listeners:secure:Tls:CertificatePassword"] = "wrong";

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings, includeDefaultListener: false)).Within();

        Assert.Contains("KestrelTcp:Listeners:secure:Tls:CertificatePath", string.Join(" ", error.Failures));
    }

    [Fact]
    public async Task AClientAuthorityWithoutAskingForClientCertificatesIsAMistake()
    {
        var settings = _tls.Listener("secure", "None", withAuthority: true);

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings, includeDefaultListener: false)).Within();

        Assert.Contains("KestrelTcp:Listeners:secure:Tls:ClientCertificateAuthorityPath", string.Join(" ", error.Failures));
    }

    /// <summary>Connects, handshakes and echoes one line; false when the server refuses at any step.</summary>
    private async Task<bool> TryEchoAsync(TestServer server, X509Certificate2? clientCertificate)
    {
        try
        {
            await using var stream = await ConnectAsync(server, clientCertificate);
            return await EchoAsync(stream, "ping") == "ping";
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or EndOfStreamException)
        {
            return false;
        }
    }

    private async Task<SslStream> ConnectAsync(TestServer server, X509Certificate2? clientCertificate)
    {
        var listener = server.GetRequiredService<ListenerCatalog>().All.Single(l => l.Options.Tls is not null);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(listener.BoundEndPoint!).Within();
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, presented, _, _) => _tls.TrustsServer(presented),
            }).Within();
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a line to an Echo listener and reads the line that comes back.</summary>
    private static async Task<string> EchoAsync(SslStream stream, string line)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).Within();
        var received = new List<byte>();
        var buffer = new byte[256];
        while (true)
        {
            var read = await stream.ReadAsync(buffer).Within();
            if (read == 0)
            {
                throw new EndOfStreamException("The server closed the TLS connection.");
            }

            received.AddRange(buffer.AsSpan(0, read));
            var end = received.IndexOf((byte)'\n');
            if (end >= 0)
            {
                return Encoding.UTF8.GetString(received.GetRange(0, end).ToArray());
            }
        }
    }
}
