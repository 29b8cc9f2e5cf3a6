namespace KestrelTcp.Cli;

/// <summary>
/// The standard streams a command uses. <c>Program</c> passes the real console; tests pass their own
/// readers and writers to run <c>ktcp</c> in-process.
/// </summary>
/// <param name="In">Standard input (lines to send for <c>connect</c>).</param>
/// <param name="Out">Standard output: received frames, reports.</param>
/// <param name="Error">Standard error: status, progress and error messages.</param>
/// <param name="IsInteractive">True when standard error is a terminal, so the bench progress line can redraw itself in place.</param>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool IsInteractive)
{
    /// <summary>The same streams, safe to write from several threads at once.</summary>
    public CliConsole Synchronized() => this with
    {
        Out = TextWriter.Synchronized(Out),
        Error = TextWriter.Synchronized(Error),
    };
}
