using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KestrelTcp.Client.Tests.Helpers;

/// <summary>Self-signed certificates made in memory for loopback TLS tests; nothing touches a certificate store.</summary>
public static class TestCertificates
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>A server certificate for <c>localhost</c> and 127.0.0.1, valid for a day.</summary>
    public static X509Certificate2 CreateServerCertificate(string name = "localhost") => Create(name, ServerAuthOid, withNames: true);

    /// <summary>A client certificate for mutual TLS.</summary>
    public static X509Certificate2 CreateClientCertificate(string name = "ktcp-test-client") => Create(name, ClientAuthOid, withNames: false);

    private static X509Certificate2 Create(string name, string usageOid, bool withNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        if (withNames)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(name);
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // A PFX round trip gives a certificate whose private key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }
}
