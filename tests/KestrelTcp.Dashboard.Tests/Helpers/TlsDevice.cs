using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KestrelTcp.Testing;

namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>
/// A TLS listener for dashboard tests and a device that connects to it: a throwaway self-signed server
/// certificate for 127.0.0.1 written as PEM to a temporary folder (deleted on dispose), and a client that
/// trusts exactly that certificate.
/// </summary>
public sealed class TlsDevice : IDisposable
{
    private readonly string _folder;
    private readonly X509Certificate2 _certificate;

    public TlsDevice()
    {
        _folder = Directory.CreateTempSubdirectory("kestreltcp-dashboard-tls-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllText(CertificatePath, _certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    private string CertificatePath => Path.Combine(_folder, "server.crt");

    private string KeyPath => Path.Combine(_folder, "server.key");

    /// <summary>Settings for a Line listener in Monitor mode named <paramref name="name"/>, with TLS.</summary>
    public Dictionary<string, string?> Listener(string name)
    {
        var prefix = $"KestrelTcp:Listeners:{name}";
        return new Dictionary<string, string?>
        {
            [$"{prefix}:Address"] = "127.0.0.1",
            [$"{prefix}:Port"] = "0",
            [$"{prefix}:Mode"] = "Monitor",
            [$"{prefix}:Framing:Kind"] = "Line",
            [$"{prefix}:Tls:CertificatePath"] = CertificatePath,
            [$"{prefix}:Tls:KeyPath"] = KeyPath,
        };
    }

    /// <summary>Connects to the listener over TLS and sends <paramref name="line"/>; the caller disposes the connection.</summary>
    public async Task<Connection> ConnectAsync(TestServer server, string listener, string line)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.TcpEndPoint(listener)).WaitAsync(TimeSpan.FromSeconds(10));
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false, (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == _certificate.GetCertHashString());
        await tls.AuthenticateAsClientAsync("127.0.0.1").WaitAsync(TimeSpan.FromSeconds(10));
        await tls.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await tls.FlushAsync();
        return new Connection(tls, socket.LocalEndPoint!.ToString()!);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>An open TLS connection and its local endpoint (the server's remote endpoint for it).</summary>
    public sealed class Connection(SslStream stream, string localEndPoint) : IAsyncDisposable
    {
        public string LocalEndPoint { get; } = localEndPoint;

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
