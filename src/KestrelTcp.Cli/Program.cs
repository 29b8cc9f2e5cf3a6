using KestrelTcp.Cli.Bench;

namespace KestrelTcp.Cli;

/// <summary>The <c>ktcp</c> executable: wires the real console and Ctrl+C to <see cref="CliApp"/>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["bench", ..])
        {
            InlineSocketCompletions.EnableUnlessConfigured();
        }

        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C asks the command to finish cleanly; a second one ends the process.
            if (!interrupt.IsCancellationRequested)
            {
                e.Cancel = true;
                interrupt.Cancel();
            }
        };

        var console = new CliConsole(Console.In, Console.Out, Console.Error, IsInteractive: !Console.IsErrorRedirected);
        return await CliApp.RunAsync(args, console, interrupt.Token).ConfigureAwait(false);
    }
}
