namespace KestrelTcp.Cli;

/// <summary>The process exit codes of <c>ktcp</c>, documented in <c>ktcp --help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success: for <c>send --expect</c> the expected reply came; for <c>bench</c> replies were measured.</summary>
    public const int Ok = 0;

    /// <summary>The expected reply did not come in time, the connection broke, or bench measured no replies.</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments: unknown command or option, missing or malformed value.</summary>
    public const int Usage = 2;

    /// <summary>The connection could not be made: refused, host not found, connect timeout, TLS handshake failure.</summary>
    public const int ConnectFailed = 3;

    /// <summary>Interrupted with Ctrl+C (send and bench; connect treats Ctrl+C as a normal way to quit).</summary>
    public const int Interrupted = 130;
}
