namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Bounds of the HTTP side (dashboard, API, hub), bound from <c>KestrelTcp:Http</c>. HTTP connections,
/// upgraded (WebSocket) ones included, hold a file descriptor each, so they come out of the same
/// descriptor budget as the sessions (<see cref="DescriptorBudget"/>): a flood of idle HTTP connections
/// can neither take the descriptors the sessions, the runtime and the audit log need, nor keep a
/// signed-in operator out.
/// </summary>
internal sealed class HttpLimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = KestrelTcpOptions.SectionName + ":Http";

    /// <summary>Used for <see cref="MaxConnections"/> when it is unset and the process has no descriptor
    /// limit to derive it from.</summary>
    public const int DefaultMaxConnectionsWithoutLimit = 4096;

    /// <summary>HTTP connections at once, upgraded (WebSocket) connections included, over all HTTP
    /// endpoints. Unset (the default): a tenth of the descriptors left for connections (the limit less
    /// what was open at start and the reserve), at least 64 and at most 4,096; the sessions get the rest.
    /// A dashboard and a few scripts need tens, not thousands.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>The part of <see cref="MaxConnections"/>, in percent, that connections without a valid
    /// sign-in cookie or API key may hold (every connection starts so; it moves to the signed-in share on
    /// its first request that signs in). When that share is full, a new connection closes the oldest idle
    /// anonymous one, so a flood of anonymous connections only churns itself, and health probes, the login
    /// page and signed-in browsers still get in. Default 25.</summary>
    public int AnonymousSharePercent { get; set; } = 25;

    /// <summary>How long a connection that has not signed in may stay open with no request in progress
    /// (before its first request, or between requests). Default 10 seconds: a browser's login page needs
    /// a fraction of that, a flood of idle connections should not hold its descriptors for long.</summary>
    public TimeSpan AnonymousIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a signed-in connection may stay open between requests (Kestrel's
    /// <c>KeepAliveTimeout</c>). Default 2 minutes, Kestrel's own default.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a client may take to send a request's headers (Kestrel's
    /// <c>RequestHeadersTimeout</c>). Default 10 seconds (Kestrel's 30 s is generous for slowloris).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
