namespace KestrelTcp.Dashboard.Tests.Reliability;

/// <summary>
/// The slow-viewer memory test runs alone, after the parallel tests: it measures the process's managed
/// heap, which every other test server running in the same process at the same time would add to.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlowViewerCollection
{
    public const string Name = "Slow viewer (alone in the process)";
}
