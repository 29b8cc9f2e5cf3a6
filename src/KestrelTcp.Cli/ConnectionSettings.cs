using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KestrelTcp.Cli.Arguments;
using KestrelTcp.Client;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli;

/// <summary>The options every command shares — target, framing, TLS, connect timeout — and how a failed connect is explained.</summary>
/// <param name="Target">Where to connect.</param>
/// <param name="Framing">How frames are delimited (<c>--framing</c>, <c>--max-frame</c>).</param>
/// <param name="Tls">Connect with TLS.</param>
/// <param name="Insecure">Accept any server certificate.</param>
/// <param name="TlsHost">The name the server certificate must match; null: the host.</param>
/// <param name="ConnectTimeout">Limit for the TCP connect and the TLS handshake.</param>
/// <param name="Hex">Messages are typed and printed as hex.</param>
/// <param name="ClientCertificate">With <c>--tls --cert</c>: the certificate (with its key) offered when the server asks for one.</param>
internal sealed record ConnectionSettings(HostPort Target, FramingOptions Framing, bool Tls, bool Insecure, string? TlsHost, TimeSpan ConnectTimeout, bool Hex, X509Certificate2? ClientCertificate = null)
{
    public static ConnectionSettings From(ParsedArguments args, string defaultFraming, TimeSpan defaultTimeout, int targetPosition = 0)
    {
        var target = HostPort.Parse(args.Positionals[targetPosition]);
        int? maxFrame = args.Value("--max-frame") is null ? null : args.Bytes("--max-frame", 0, 1, FramingOptions.MaxFrameBytesLimit);
        var framing = FramingSpec.Parse(args.Value("--framing") ?? defaultFraming, maxFrame);
        var timeout = args.Milliseconds("--timeout", defaultTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(24));
        var insecure = args.Has("--insecure");
        var tlsHost = args.Value("--tls-host");
        if ((insecure || tlsHost is not null) && !args.Has("--tls"))
        {
            throw new UsageException($"{(insecure ? "--insecure" : "--tls-host")} only applies with --tls.");
        }

        return new ConnectionSettings(target, framing, args.Has("--tls"), insecure, tlsHost, timeout, args.Has("--hex"), LoadClientCertificate(args));
    }

    /// <summary>Client options for these settings; the caller adds what its command needs.</summary>
    public KestrelTcpClientOptions CreateClientOptions() => new()
    {
        Framing = Framing,
        ConnectTimeout = ConnectTimeout,
        Tls = Tls
            ? new ClientTlsOptions
            {
                AllowUntrustedCertificate = Insecure,
                TargetHost = TlsHost,
                ClientCertificates = ClientCertificate is null ? null : [ClientCertificate],
            }
            : null,
    };

    /// <summary>The <see cref="SslStream"/> options for connecting to <paramref name="host"/>: the same
    /// choices as <see cref="CreateClientOptions"/> makes for the client library (bench opens its own sockets).</summary>
    public SslClientAuthenticationOptions CreateSslOptions(string host) => new()
    {
        TargetHost = TlsHost ?? host,
        ClientCertificates = ClientCertificate is null ? null : [ClientCertificate],
        RemoteCertificateValidationCallback = Insecure ? static (_, _, _, _) => true : null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    private static X509Certificate2? LoadClientCertificate(ParsedArguments args)
    {
        var certificate = args.Value("--cert");
        var key = args.Value("--key");
        var password = args.Value("--cert-password");
        if (certificate is null)
        {
            return key is null && password is null
                ? null
                : throw new UsageException($"{(key is not null ? "--key" : "--cert-password")} only applies with --cert.");
        }

        if (!args.Has("--tls"))
        {
            throw new UsageException("--cert only applies with --tls.");
        }

        return ClientCertificateFile.Load(certificate, key, password);
    }

    /// <summary>A one-line explanation of why connecting failed, or null when <paramref name="error"/> is not a connect failure.</summary>
    public string? DescribeConnectFailure(Exception error) => error switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"connection refused by {Target}: is the server running and listening on that port?",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => $"host not found: '{Target.Host}'.",
        SocketException socket => $"cannot connect to {Target}: {socket.Message}.",
        TimeoutException => string.Create(CultureInfo.InvariantCulture, $"timed out connecting to {Target} after {ConnectTimeout.TotalMilliseconds:0} ms{(Tls ? " (TCP connect and TLS handshake)" : string.Empty)}."),
        AuthenticationException auth => $"TLS handshake with {Target} failed: {auth.Message}{(Insecure ? string.Empty : " Use --insecure to accept a self-signed or untrusted certificate (development only).")}",
        IOException io when Tls => $"TLS handshake with {Target} failed: {io.Message} Is the listener using TLS?",
        _ => null,
    };
}
