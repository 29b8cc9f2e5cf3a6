namespace LoadRunner;

/// <summary>Where the built programs are (all built in Release by bench/load.sh).</summary>
internal static class Paths
{
    public static string Root { get; } = FindRoot();

    public static string Server => Path.Combine(Root, "src/KestrelTcp.Server/bin/Release/net10.0/KestrelTcp.Server.dll");

    public static string Ktcp => Path.Combine(Root, "src/KestrelTcp.Cli/bin/Release/net10.0/ktcp.dll");

    public static string BareKestrel => Path.Combine(Root, "bench/BareKestrelEcho/bin/Release/net10.0/BareKestrelEcho.dll");

    public static string DotNetty => Path.Combine(Root, "bench/DotNettyEcho/bin/Release/net10.0/DotNettyEcho.dll");

    public static string NodeEcho => Path.Combine(Root, "bench/node-echo/echo.js");

    public static string Results => Path.Combine(Root, "bench/RESULTS.md");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KestrelTcp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the KestrelTcp repository.");
    }
}
