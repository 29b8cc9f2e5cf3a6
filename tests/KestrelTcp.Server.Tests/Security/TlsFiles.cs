using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KestrelTcp.Server.Tests.Security;

/// <summary>
/// A throwaway PKI on disk for TLS listener tests: a CA, a server certificate for localhost/127.0.0.1
/// issued by it (PEM and PKCS#12), and client certificates from that CA and from an unrelated one.
/// Made in memory per test class; nothing touches a certificate store. Deleted on dispose.
/// </summary>
internal sealed class TlsFiles : IDisposable
{
    public const string PfxPassword = "test-pfx-password";

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public TlsFiles()
    {
        Folder = Directory.CreateTempSubdirectory("kestreltcp-tls-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Authority = CreateAuthority("KestrelTcp Test Device CA", caKey);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = CreateAuthority("Someone Else's CA", otherKey);

        Server = Issue(Authority, "localhost", ServerAuthOid, withNames: true);
        TrustedClient = Issue(Authority, "device-42", ClientAuthOid, withNames: false);
        UntrustedClient = Issue(other, "device-impostor", ClientAuthOid, withNames: false);

        File.WriteAllText(ServerCertificatePem, Server.ExportCertificatePem());
        File.WriteAllText(ServerKeyPem, Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(ServerPfx, Server.Export(X509ContentType.Pfx, PfxPassword));
        File.WriteAllText(AuthorityPem, Authority.ExportCertificatePem());
    }

    public string Folder { get; }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 TrustedClient { get; }

    public X509Certificate2 UntrustedClient { get; }

    public string ServerCertificatePem => Path.Combine(Folder, "server.crt");

    public string ServerKeyPem => Path.Combine(Folder, "server.key");

    public string ServerPfx => Path.Combine(Folder, "server.pfx");

    public string AuthorityPem => Path.Combine(Folder, "clients-ca.crt");

    /// <summary>Settings for a TLS listener named <paramref name="name"/> in Echo mode with the PEM files.</summary>
    public Dictionary<string, string?> Listener(string name, string clientCertificateMode = "None", bool withAuthority = false)
    {
        var prefix = $"KestrelTcp:Listeners:{name}";
        var settings = new Dictionary<string, string?>
        {
            [$"{prefix}:Address"] = "127.0.0.1",
            [$"{prefix}:Port"] = "0",
            [$"{prefix}:Mode"] = "Echo",
            [$"{prefix}:Framing:Kind"] = "Line",
            [$"{prefix}:Tls:CertificatePath"] = ServerCertificatePem,
            [$"{prefix}:Tls:KeyPath"] = ServerKeyPem,
            [$"{prefix}:Tls:ClientCertificateMode"] = clientCertificateMode,
        };
        if (withAuthority)
        {
            settings[$"{prefix}:Tls:ClientCertificateAuthorityPath"] = AuthorityPem;
        }

        return settings;
    }

    /// <summary>Accepts exactly the server certificate issued by <see cref="Authority"/>.</summary>
    public bool TrustsServer(X509Certificate? presented) =>
        presented is not null && presented.GetCertHashString() == Server.GetCertHashString();

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        TrustedClient.Dispose();
        UntrustedClient.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private static X509Certificate2 CreateAuthority(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name, string usageOid, bool withNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        if (withNames)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(name);
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(authority, now.AddMinutes(-30), now.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // A PKCS#12 round trip gives a certificate whose private key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }
}
