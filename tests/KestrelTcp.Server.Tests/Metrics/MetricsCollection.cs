namespace KestrelTcp.Server.Tests.Metrics;

/// <summary>
/// The metrics tests, run after the rest of the suite and on their own. A MeterListener (OpenTelemetry's
/// included) hears every meter of the process by its name, so a server's <c>/metrics</c> would also show
/// the <c>KestrelTcp</c> meters of the other test servers running in the same process at the same time.
/// A real server is alone in its process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (alone in the process)";
}
