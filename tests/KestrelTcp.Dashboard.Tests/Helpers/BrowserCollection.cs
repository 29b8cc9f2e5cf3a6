namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>
/// The browser test classes run one after another, not in parallel: each drives a real server,
/// Chromium and (for 10,000 sessions) a Node.js process, and their "within a second" checks should
/// not compete with one another for this machine's two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
