using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace KestrelTcp.Client;

/// <summary>TLS for the connection (<see cref="SslStream"/> over the socket). Set <see cref="KestrelTcpClientOptions.Tls"/> to use it.</summary>
public sealed class ClientTlsOptions
{
    /// <summary>The server name checked against the certificate and sent as SNI. Default: the host passed to connect.</summary>
    public string? TargetHost { get; set; }

    /// <summary>Client certificates offered when the server asks for one (mutual TLS). Default none.</summary>
    public X509CertificateCollection? ClientCertificates { get; set; }

    /// <summary>Decides whether the server's certificate is accepted. When null, the platform's normal
    /// validation applies (chain to a trusted root, name matches <see cref="TargetHost"/>), relaxed only by
    /// <see cref="AllowUntrustedCertificate"/>.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }

    /// <summary>Accept any server certificate (self-signed, expired, wrong name). For development only: it
    /// removes the protection against a man in the middle. Ignored when
    /// <see cref="RemoteCertificateValidation"/> is set. Default false.</summary>
    public bool AllowUntrustedCertificate { get; set; }

    /// <summary>TLS versions allowed; <see cref="SslProtocols.None"/> (the default) lets the OS choose.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>Check the server certificate's revocation. Default <see cref="X509RevocationMode.NoCheck"/>,
    /// because revocation lookups need network access a device network often lacks.</summary>
    public X509RevocationMode CertificateRevocationCheckMode { get; set; } = X509RevocationMode.NoCheck;

    internal SslClientAuthenticationOptions ToAuthenticationOptions(string host)
    {
        var callback = RemoteCertificateValidation;
        if (callback is null && AllowUntrustedCertificate)
        {
            callback = static (_, _, _, _) => true;
        }

        return new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost ?? host,
            ClientCertificates = ClientCertificates,
            RemoteCertificateValidationCallback = callback,
            EnabledSslProtocols = EnabledProtocols,
            CertificateRevocationCheckMode = CertificateRevocationCheckMode,
        };
    }
}
