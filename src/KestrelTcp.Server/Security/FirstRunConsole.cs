namespace KestrelTcp.Server.Security;

/// <summary>
/// Where the first-run password is printed: standard output, deliberately not a logger, so the secret
/// never reaches a log file or a log shipper. Tests register their own writer before the app is built.
/// </summary>
/// <param name="Writer">The console (or a test's writer).</param>
internal sealed record FirstRunConsole(TextWriter Writer);
