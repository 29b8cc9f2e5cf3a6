namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Makes the runtime complete socket operations on its socket event thread instead of queueing each
/// completion to the thread pool (Linux and macOS; the runtime's documented
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> switch). Only transport code runs there: Kestrel's
/// receive and send loops, and, for listeners with inline scheduling, the sessions, which never block.
/// HTTP requests still run on the thread pool. The runtime reads the switch once, when the first socket
/// is used, so the server's entry point sets it before anything else; an explicit value (0 turns it off)
/// stands.
/// </summary>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void EnableUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
