using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KestrelTcp.Server.Security;

/// <summary>
/// TLS for a raw TCP listener: loads the server certificate (PKCS#12 or PEM) and the client certificate
/// authorities, checks them at start, and builds Kestrel's TLS options.
/// </summary>
internal static class ListenerTls
{
    /// <summary>The "TLS client authentication" extended key usage.</summary>
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Checks the files exist and load; each error names the key (<paramref name="path"/> is
    /// the listener's <c>Tls</c> section).</summary>
    public static IEnumerable<string> Validate(string path, ListenerTlsOptions tls)
    {
        if (string.IsNullOrWhiteSpace(tls.CertificatePath))
        {
            yield return $"{path}:CertificatePath is required for a TLS listener (a .pfx/.p12 or PEM certificate file).";
        }
        else if (!File.Exists(tls.CertificatePath))
        {
            yield return $"{path}:CertificatePath: file '{Path.GetFullPath(tls.CertificatePath)}' does not exist.";
        }
        else if (!string.IsNullOrWhiteSpace(tls.KeyPath) && !File.Exists(tls.KeyPath))
        {
            yield return $"{path}:KeyPath: file '{Path.GetFullPath(tls.KeyPath)}' does not exist.";
        }
        else if (TryLoadServerCertificate(tls, out var certificate, out var error))
        {
            certificate.Dispose();
        }
        else
        {
            yield return $"{path}:CertificatePath: {error}";
        }

        if (!Enum.IsDefined(tls.ClientCertificateMode))
        {
            yield return $"{path}:ClientCertificateMode must be None, Allow or Require.";
        }

        if (!string.IsNullOrWhiteSpace(tls.ClientCertificateAuthorityPath))
        {
            if (tls.ClientCertificateMode == TlsClientCertificateMode.None)
            {
                yield return $"{path}:ClientCertificateAuthorityPath has no effect unless {path}:ClientCertificateMode is Allow or Require.";
            }
            else if (!File.Exists(tls.ClientCertificateAuthorityPath))
            {
                yield return $"{path}:ClientCertificateAuthorityPath: file '{Path.GetFullPath(tls.ClientCertificateAuthorityPath)}' does not exist.";
            }
            else if (!TryLoadAuthorities(tls.ClientCertificateAuthorityPath, out var authorities, out var error))
            {
                yield return $"{path}:ClientCertificateAuthorityPath: {error}";
            }
            else
            {
                foreach (var authority in authorities)
                {
                    authority.Dispose();
                }
            }
        }
    }

    /// <summary>Kestrel's TLS options for a listener whose settings passed <see cref="Validate"/>. The
    /// certificates live as long as the server.</summary>
    public static HttpsConnectionAdapterOptions CreateOptions(string listener, ListenerTlsOptions tls, ILogger logger)
    {
        if (!TryLoadServerCertificate(tls, out var certificate, out var error))
        {
            throw new InvalidOperationException($"{listener}: {error}");
        }

        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = tls.ClientCertificateMode switch
            {
                TlsClientCertificateMode.Require => ClientCertificateMode.RequireCertificate,
                TlsClientCertificateMode.Allow => ClientCertificateMode.AllowCertificate,
                _ => ClientCertificateMode.NoCertificate,
            },
        };

        if (tls.ClientCertificateMode != TlsClientCertificateMode.None && !string.IsNullOrWhiteSpace(tls.ClientCertificateAuthorityPath))
        {
            if (!TryLoadAuthorities(tls.ClientCertificateAuthorityPath, out var authorities, out error))
            {
                throw new InvalidOperationException($"{listener}: {error}");
            }

            options.ClientCertificateValidation = (client, _, _) => ValidateClient(listener, client, authorities, logger);
        }

        logger.ListenerTls(listener, certificate.Subject, certificate.NotAfter.ToUniversalTime(), tls.ClientCertificateMode);
        return options;
    }

    private static bool ValidateClient(string listener, X509Certificate2 client, X509Certificate2Collection authorities, ILogger logger)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        if (chain.Build(client))
        {
            return true;
        }

        var errors = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        logger.ClientCertificateRejected(listener, client.Subject, errors);
        return false;
    }

    private static bool TryLoadServerCertificate(ListenerTlsOptions tls, out X509Certificate2 certificate, out string? error)
    {
        certificate = null!;
        var path = tls.CertificatePath!;
        try
        {
            var extension = Path.GetExtension(path);
            if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, tls.CertificatePassword);
            }
            else
            {
                var keyPath = string.IsNullOrWhiteSpace(tls.KeyPath) ? null : tls.KeyPath;
                certificate = string.IsNullOrEmpty(tls.CertificatePassword)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, tls.CertificatePassword, keyPath);
                if (OperatingSystem.IsWindows())
                {
                    // SslStream on Windows cannot use the ephemeral key of a PEM import.
                    using var ephemeral = certificate;
                    certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
                }
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = $"'{Path.GetFullPath(path)}' could not be loaded as a certificate with its private key ({ex.Message}). Use a .pfx/.p12 file (with CertificatePassword if it has one) or PEM files (with KeyPath).";
            return false;
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            error = $"'{Path.GetFullPath(path)}' has no private key; give it in the same file or in KeyPath.";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryLoadAuthorities(string path, out X509Certificate2Collection authorities, out string? error)
    {
        authorities = [];
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            error = $"'{Path.GetFullPath(path)}' could not be read as PEM certificates ({ex.Message}).";
            return false;
        }

        if (authorities.Count == 0)
        {
            error = $"'{Path.GetFullPath(path)}' holds no PEM certificate.";
            return false;
        }

        error = null;
        return true;
    }
}
