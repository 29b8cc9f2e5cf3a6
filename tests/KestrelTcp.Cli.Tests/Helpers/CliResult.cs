namespace KestrelTcp.Cli.Tests.Helpers;

/// <summary>What a <c>ktcp</c> run returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
