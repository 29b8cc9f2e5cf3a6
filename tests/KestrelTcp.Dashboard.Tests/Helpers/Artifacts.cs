namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>Where browser tests save screenshots: <c>KTCP_ARTIFACTS</c>, else <c>TestResults/screenshots</c>
/// beside this project (git-ignored).</summary>
public static class Artifacts
{
    public static string Directory { get; } = Create();

    public static string PathFor(string name) => System.IO.Path.Combine(Directory, name);

    private static string Create()
    {
        var root = Environment.GetEnvironmentVariable("KTCP_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "screenshots"));
        System.IO.Directory.CreateDirectory(root);
        return root;
    }
}
