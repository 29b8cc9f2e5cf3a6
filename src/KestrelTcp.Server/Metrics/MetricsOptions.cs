namespace KestrelTcp.Server.Metrics;

/// <summary>
/// Metrics (<c>KestrelTcp:Metrics</c>): the meter <c>KestrelTcp</c> with ASP.NET Core's and the runtime's,
/// scraped by Prometheus at <c>/metrics</c> on the HTTP port (a Viewer's API key or sign-in), optionally on a
/// port of its own without sign-in, and sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Metrics";

    /// <summary>The scrape path, on the HTTP port and on <see cref="Port"/>.</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>Whether metrics are collected and exported at all. Default true: the instruments read
    /// counters the server keeps anyway, at scrape time, so they cost the data path nothing.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A port that serves <c>/metrics</c> WITHOUT sign-in (and nothing else), for a Prometheus
    /// that cannot send an API key. Default none. Put it on a network only Prometheus reaches: the figures
    /// say how many devices are connected and how busy the server is. 1 to 65535 (0 picks a free port,
    /// for tests); not a TCP listener's port.</summary>
    public int? Port { get; set; }

    /// <summary>The address <see cref="Port"/> is bound on. Default <c>0.0.0.0</c> (every interface, as a
    /// container needs); <c>127.0.0.1</c> keeps it to a Prometheus or an agent on the same machine.</summary>
    public string Address { get; set; } = "0.0.0.0";
}
