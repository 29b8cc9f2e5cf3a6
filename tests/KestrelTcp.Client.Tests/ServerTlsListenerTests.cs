using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;

namespace KestrelTcp.Client.Tests;

/// <summary>The client library against the server's own TLS listener (<c>KestrelTcp:Listeners:{name}:Tls</c>).</summary>
public sealed class ServerTlsListenerTests : IDisposable
{
    private readonly X509Certificate2 _server = TestCertificates.CreateServerCertificate();
    private readonly X509Certificate2 _device = TestCertificates.CreateClientCertificate("device-7");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("kestreltcp-client-tls-");

    public void Dispose()
    {
        _server.Dispose();
        _device.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task TheClientLibraryTalksToATlsListenerAndTheServerSeesAnEncryptedSession()
    {
        await using var server = await TestServer.StartAsync(Settings("None"), includeDefaultListener: false);
        await using var client = await KestrelTcpClient.ConnectAsync("localhost", server.TcpEndPoint("secure").Port, Options(clientCertificate: null)).Within();

        await client.SendAsync("over tls").Within();

        Assert.Equal("over tls", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
        Assert.True(client.IsEncrypted);
        Assert.True(Assert.Single(server.GetRequiredService<SessionRegistry>().All).Encrypted);
    }

    [Fact]
    public async Task AListenerThatRequiresClientCertificatesRefusesAClientWithoutOne()
    {
        await using var server = await TestServer.StartAsync(Settings("Require"), includeDefaultListener: false);
        var port = server.TcpEndPoint("secure").Port;

        Assert.False(await EchoesAsync(port, clientCertificate: null));
        Assert.Equal(0, server.GetRequiredService<SessionRegistry>().Count);
        Assert.True(await EchoesAsync(port, _device));
    }

    /// <summary>Connects and echoes one frame; false when the server refuses the client at the handshake
    /// or right after it (with TLS 1.3 a missing client certificate is noticed only after the client has finished).</summary>
    private async Task<bool> EchoesAsync(int port, X509Certificate2? clientCertificate)
    {
        try
        {
            await using var client = await KestrelTcpClient.ConnectAsync("localhost", port, Options(clientCertificate)).Within();
            await client.SendAsync("ping").Within();
            var frame = await client.ReceiveAsync().Within();
            return frame is not null && Encoding.UTF8.GetString(frame) == "ping";
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Line framing (the listener's), TLS pinned to the server's certificate, and the given client certificate.</summary>
    private KestrelTcpClientOptions Options(X509Certificate2? clientCertificate)
    {
        var pinned = _server.GetCertHashString();
        return new KestrelTcpClientOptions
        {
            Tls = new ClientTlsOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == pinned,
            },
        };
    }

    /// <summary>An Echo listener named <c>secure</c> with the server certificate in PEM files, and the
    /// device certificate (self-signed) as the only client certificate authority.</summary>
    private Dictionary<string, string?> Settings(string clientCertificateMode)
    {
        var certificate = Path.Combine(_folder.FullName, "server.crt");
        var key = Path.Combine(_folder.FullName, "server.key");
        var authority = Path.Combine(_folder.FullName, "devices.crt");
        File.WriteAllText(certificate, _server.ExportCertificatePem());
        File.WriteAllText(key, _server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(authority, _device.ExportCertificatePem());
        var settings = new Dictionary<string, string?>
        {
            ["KestrelTcp:Listeners:secure:Tls:CertificatePath"] = certificate,
            ["KestrelTcp:Listeners:secure:Tls:KeyPath"] = key,
            ["KestrelTcp:Listeners:secure:Tls:ClientCertificateMode"] = clientCertificateMode,
        };
        if (clientCertificateMode != "None")
        {
            settings["KestrelTcp:Listeners:secure:Tls:ClientCertificateAuthorityPath"] = authority;
        }

        TestListeners.AddListener(settings, "secure", "Echo", new Protocols.FramingOptions());
        return settings;
    }
}
