namespace KestrelTcp.Server.Hosting;

/// <summary>Whether a TLS listener asks clients for a certificate.</summary>
public enum TlsClientCertificateMode
{
    /// <summary>Clients are not asked for a certificate (the default).</summary>
    None,

    /// <summary>Clients may present one; if they do, it must be valid.</summary>
    Allow,

    /// <summary>Clients must present a valid certificate, or the handshake fails.</summary>
    Require,
}
