namespace KestrelTcp.Server.Tests.Helpers;

/// <summary>Finds files of the repository from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KestrelTcp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KestrelTcp.sln not found above " + AppContext.BaseDirectory);
    }
}
