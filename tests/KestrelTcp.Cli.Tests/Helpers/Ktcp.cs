using KestrelTcp.Client.Tests.Helpers;

namespace KestrelTcp.Cli.Tests.Helpers;

/// <summary>Runs <c>ktcp</c> in-process through <see cref="CliApp.RunAsync"/> with captured streams.</summary>
public static class Ktcp
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(TextReader.Null, args);

    public static async Task<CliResult> RunAsync(TextReader input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, new CliConsole(input, output, error, IsInteractive: false)).WaitAsync(TimeSpan.FromSeconds(30));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Starts <c>ktcp</c> in-process with streams the test drives while it runs.</summary>
    public static (Task<int> Exit, LineInput Input, WatchedWriter Output, WatchedWriter Error) Start(params string[] args)
    {
        var input = new LineInput();
        var output = new WatchedWriter();
        var error = new WatchedWriter();
        var exit = CliApp.RunAsync(args, new CliConsole(input, output, error, IsInteractive: false));
        return (exit, input, output, error);
    }

    public static Task<int> Within(this Task<int> exit) => exit.WaitAsync(Wait.Timeout);
}
