using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KestrelTcp.Cli;

/// <summary>
/// Loads the client certificate for mutual TLS (<c>--cert</c>): a PEM certificate with its key in the same
/// file or in <c>--key</c> (encrypted PEM keys take <c>--cert-password</c>), or a PFX/PKCS#12 file with
/// <c>--cert-password</c> when it has one. Every problem is a usage error that names the option.
/// </summary>
internal static class ClientCertificateFile
{
    public static X509Certificate2 Load(string certificatePath, string? keyPath, string? password)
    {
        var bytes = Read(certificatePath, "--cert");
        var isPem = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 64 * 1024)).Contains("-----BEGIN", StringComparison.Ordinal);
        X509Certificate2 certificate;
        try
        {
            if (isPem)
            {
                if (keyPath is not null)
                {
                    Read(keyPath, "--key");
                }

                using var pem = password is null
                    ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);

                // A PKCS#12 round trip gives a certificate whose key SslStream can use on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            }
            else
            {
                if (keyPath is not null)
                {
                    throw new UsageException("--key applies to a PEM certificate; a PFX file holds its own key (use --cert-password if it has one).");
                }

                certificate = X509CertificateLoader.LoadPkcs12(bytes, password);
            }
        }
        catch (CryptographicException ex)
        {
            var hint = isPem
                ? keyPath is null ? " Give the private key with --key when it is in a separate file." : " Does --key hold the certificate's key (and --cert-password the key's password)?"
                : " Is it a PFX file, and is --cert-password right?";
            throw new UsageException($"--cert: cannot load the client certificate from '{certificatePath}': {ex.Message}{hint}");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new UsageException($"--cert: '{certificatePath}' has no private key; give it with --key.");
        }

        return certificate;
    }

    private static byte[] Read(string path, string option)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot read '{path}': {ex.Message}");
        }
    }
}
