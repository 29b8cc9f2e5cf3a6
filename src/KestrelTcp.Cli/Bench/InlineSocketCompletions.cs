namespace KestrelTcp.Cli.Bench;

/// <summary>
/// Makes the runtime run socket continuations on its socket event thread instead of handing each one to the
/// thread pool (Linux and macOS; the documented <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> switch).
/// Bench's receive loops never block, so this removes a thread switch per read, which is most of the
/// client's CPU cost after the system calls themselves. The runtime reads the switch once, when the first
/// socket is used, so <see cref="Program"/> sets it before anything else runs, and only for <c>bench</c>.
/// </summary>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns the switch on for this process, unless it was set explicitly (then that value stands).</summary>
    public static void EnableUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
