namespace KestrelTcp.Server.Hosting;

/// <summary>
/// TLS on one raw TCP listener, configured under <c>KestrelTcp:Listeners:{name}:Tls</c>. Present means
/// on: the listener then accepts only TLS connections. Files are loaded and checked at start.
/// </summary>
public sealed class ListenerTlsOptions
{
    /// <summary>The server certificate: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>, with
    /// <see cref="CertificatePassword"/> if it has one) or a PEM certificate (its key in
    /// <see cref="KeyPath"/>, or in the same file). Relative paths are resolved against the working
    /// directory. Required.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of the PKCS#12 file, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM certificate, when it is not in the certificate file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>None (default), Allow or Require a client certificate.</summary>
    public TlsClientCertificateMode ClientCertificateMode { get; set; } = TlsClientCertificateMode.None;

    /// <summary>PEM file of the certificate authorities that issue client certificates (for example
    /// your device CA). Client certificates must chain to one of them. Without it, they must chain to a
    /// root the operating system trusts. Revocation is not checked.</summary>
    public string? ClientCertificateAuthorityPath { get; set; }
}
