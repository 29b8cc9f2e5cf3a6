namespace KestrelTcp.Server.Tests.Helpers;

/// <summary>
/// Tests that measure latency under a load they make themselves: xunit runs this collection after the
/// others, on its own, so that the rest of the suite does not add to what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Runs alone";
}
