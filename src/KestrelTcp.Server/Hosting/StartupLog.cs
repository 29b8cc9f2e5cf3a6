namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Keeps the host's "Hosting failed to start" error, with its stack trace, out of the log while the
/// server starts: <c>Program</c> reports a failed start itself (<see cref="StartupFailure"/>). Once the
/// server has started, the host's errors (a background service that faulted) are logged as before.
/// </summary>
internal sealed class StartupLog
{
    /// <summary>The category of the generic host's own messages.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _started;

    /// <summary>Adds the filter; pass it to <c>KestrelTcpApplication.Build</c>.</summary>
    public void Configure(WebApplicationBuilder builder) =>
        builder.Services.Configure<LoggerFilterOptions>(options => options.Rules.Add(
            new LoggerFilterRule(null, HostCategory, LogLevel.Information, (_, _, level) => _started || level < LogLevel.Error)));

    /// <summary>Lets the host's errors through from the moment <paramref name="app"/> has started.</summary>
    public void Watch(WebApplication app) => app.Lifetime.ApplicationStarted.Register(() => _started = true);
}
