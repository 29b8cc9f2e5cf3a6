using System.Net.Http.Json;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Protocols;
using KestrelTcp.Testing;

namespace KestrelTcp.Client.Tests;

/// <summary>The client against the server's own TLS listener (a PKCS#12 file made for the test).</summary>
public sealed class ServerTlsTests : IAsyncLifetime
{
    private readonly X509Certificate2 _certificate = TestCertificates.CreateServerCertificate();
    private readonly string _pfxPath = Path.Combine(Path.GetTempPath(), $"ktcp-client-tests-{Guid.NewGuid():N}.pfx");
    private TestServer? _server;

    private TestServer Server => _server!;

    public async Task InitializeAsync()
    {
        await File.WriteAllBytesAsync(_pfxPath, _certificate.Export(X509ContentType.Pkcs12));
        var settings = new Dictionary<string, string?>();
        TestListeners.AddListener(settings, "secure", "Echo", new FramingOptions { Kind = FramingKind.LengthPrefixed });
        settings["KestrelTcp:Listeners:secure:Tls:CertificatePath"] = _pfxPath;
        _server = await TestServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        File.Delete(_pfxPath);
        _certificate.Dispose();
    }

    [Fact]
    public async Task TalksToTheServersTlsListenerWhenTheCertificateIsPinned()
    {
        var expected = _certificate.GetCertHashString();
        await using var client = await KestrelTcpClient.ConnectAsync("localhost", Server.TcpEndPoint("secure").Port, new()
        {
            Framing = new FramingOptions { Kind = FramingKind.LengthPrefixed },
            Tls = new ClientTlsOptions { RemoteCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == expected },
        }).Within();

        await client.SendAsync("over tls").Within();

        Assert.Equal("over tls", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
        using var http = Server.CreateHttpClient();
        var page = await http.GetFromJsonAsync<JsonElement>("/api/sessions?listener=secure").Within();
        var session = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.True(session.GetProperty("encrypted").GetBoolean());
    }

    [Fact]
    public async Task RejectsTheServersSelfSignedCertificateByDefault()
    {
        using var client = new KestrelTcpClient(new() { Tls = new ClientTlsOptions() });

        await Assert.ThrowsAsync<AuthenticationException>(() => client.ConnectAsync("localhost", Server.TcpEndPoint("secure").Port)).Within();
    }
}
