using KestrelTcp.Server;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Security;

if (HealthProbeCommand.TryRun(args, out var exitCode) || CredentialCommands.TryRun(args, out exitCode))
{
    return exitCode;
}

InlineSocketCompletions.EnableUnlessConfigured();

// A bad setting, a port in use: one line per problem on stderr and an exit code of its own
// (ServerExitCodes, in README.md), not a stack trace.
var startupLog = new StartupLog();
WebApplication? app = null;
try
{
    app = KestrelTcpApplication.Build(args, startupLog.Configure);
    startupLog.Watch(app);
    await app.StartAsync();
}
catch (Exception ex) when (StartupFailure.TryDescribe(ex, app?.Services, out var failure))
{
    if (app is not null)
    {
        // Flushes the log of what did start.
        await app.DisposeAsync();
    }

    failure.WriteTo(Console.Error);
    return failure.ExitCode;
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return ServerExitCodes.Ok;
