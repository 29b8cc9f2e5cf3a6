namespace KestrelTcp.Server.Hosting;

/// <summary>The exit codes of the server process, documented in README.md (Configuration). Each has a
/// code of its own, so a supervisor can tell "fix the settings" (do not restart) from "try again".</summary>
internal static class ServerExitCodes
{
    /// <summary>The server ran and stopped normally.</summary>
    public const int Ok = 0;

    /// <summary>The configuration is invalid: a value of the wrong type or out of range, a missing or
    /// unreadable certificate, a data folder that cannot be written. Nothing was bound.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>A listener or HTTP address could not be bound: another process holds it, or it is not an
    /// address of this machine.</summary>
    public const int CannotListen = 3;
}
