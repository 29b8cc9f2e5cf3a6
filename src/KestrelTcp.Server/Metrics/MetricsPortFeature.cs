namespace KestrelTcp.Server.Metrics;

/// <summary>Set on every connection of the metrics port (<see cref="MetricsOptions.Port"/>): its requests
/// are answered by the scrape endpoint, without sign-in, or with 404, and reach nothing else.</summary>
internal sealed class MetricsPortFeature
{
    public static MetricsPortFeature Instance { get; } = new();

    private MetricsPortFeature()
    {
    }
}
