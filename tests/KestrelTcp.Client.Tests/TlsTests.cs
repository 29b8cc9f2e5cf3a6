using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KestrelTcp.Client.Tests.Helpers;
using KestrelTcp.Protocols;

namespace KestrelTcp.Client.Tests;

/// <summary>TLS against a loopback TLS echo peer with a self-signed certificate (the server's TLS listener is separate work).</summary>
public sealed class TlsTests
{
    private static readonly FramingOptions Framing = new() { Kind = FramingKind.LengthPrefixed };

    [Fact]
    public async Task RejectsAnUntrustedCertificateByDefault()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        await using var peer = new TlsEchoPeer(certificate);
        using var client = new KestrelTcpClient(new() { Framing = Framing, Tls = new ClientTlsOptions() });

        await Assert.ThrowsAsync<AuthenticationException>(() => client.ConnectAsync("localhost", peer.Port)).Within();

        Assert.Equal(ClientState.Disconnected, client.State);
    }

    [Fact]
    public async Task AllowUntrustedCertificateConnectsAndEchoes()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        await using var peer = new TlsEchoPeer(certificate);
        await using var client = await KestrelTcpClient.ConnectAsync("127.0.0.1", peer.Port, new()
        {
            Framing = Framing,
            Tls = new ClientTlsOptions { AllowUntrustedCertificate = true, TargetHost = "localhost" },
        }).Within();

        await client.SendAsync("secret").Within();

        Assert.True(client.IsEncrypted);
        Assert.Equal("secret", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
        Assert.Equal("localhost", (await peer.Handshake.Task.Within()).TargetHost);
    }

    [Fact]
    public async Task AValidationCallbackPinningTheCertificateDecides()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        using var other = TestCertificates.CreateServerCertificate();
        await using var peer = new TlsEchoPeer(certificate);
        var seen = Wait.Source<SslPolicyErrors>();

        RemoteCertificateValidationCallback Pin(X509Certificate2 expected) => (_, presented, _, errors) =>
        {
            seen.TrySetResult(errors);
            return presented is not null && presented.GetCertHashString() == expected.GetCertHashString();
        };

        using var wrong = new KestrelTcpClient(new() { Framing = Framing, Tls = new ClientTlsOptions { RemoteCertificateValidation = Pin(other) } });
        await Assert.ThrowsAsync<AuthenticationException>(() => wrong.ConnectAsync("localhost", peer.Port)).Within();
        Assert.NotEqual(SslPolicyErrors.None, await seen.Task.Within());

        await using var right = await KestrelTcpClient.ConnectAsync("localhost", peer.Port, new()
        {
            Framing = Framing,
            Tls = new ClientTlsOptions { RemoteCertificateValidation = Pin(certificate) },
        }).Within();
        await right.SendAsync("pinned").Within();
        Assert.Equal("pinned", Encoding.UTF8.GetString((await right.ReceiveAsync().Within())!));
    }

    [Fact]
    public async Task OffersAClientCertificateWhenTheServerAsksForOne()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        using var clientCertificate = TestCertificates.CreateClientCertificate();
        await using var peer = new TlsEchoPeer(certificate, requireClientCertificate: true);
        await using var client = await KestrelTcpClient.ConnectAsync("localhost", peer.Port, new()
        {
            Framing = Framing,
            Tls = new ClientTlsOptions { AllowUntrustedCertificate = true, ClientCertificates = [clientCertificate] },
        }).Within();

        await client.SendAsync("mutual").Within();

        Assert.Equal("mutual", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
        var presented = (await peer.Handshake.Task.Within()).ClientCertificate;
        Assert.Equal(clientCertificate.GetCertHashString(), presented!.GetCertHashString());
    }

    [Fact]
    public async Task GracefulDisconnectOverTlsIsALocalClose()
    {
        using var certificate = TestCertificates.CreateServerCertificate();
        await using var peer = new TlsEchoPeer(certificate);
        var disconnected = Wait.Source<DisconnectedEventArgs>();
        await using var client = await KestrelTcpClient.ConnectAsync("localhost", peer.Port, new()
        {
            Framing = Framing,
            Tls = new ClientTlsOptions { AllowUntrustedCertificate = true },
        }).Within();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);
        await client.SendAsync("bye").Within();

        await client.DisconnectAsync().Within();

        Assert.Equal(DisconnectReason.LocalClose, (await disconnected.Task.Within()).Reason);
        Assert.Equal("bye", Encoding.UTF8.GetString((await client.ReceiveAsync().Within())!));
    }
}
