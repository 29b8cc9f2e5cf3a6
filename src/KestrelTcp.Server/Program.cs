using KestrelTcp.Server;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Security;

if (HealthProbeCommand.TryRun(args, out var exitCode) || CredentialCommands.TryRun(args, out exitCode))
{
    return exitCode;
}

InlineSocketCompletions.EnableUnlessConfigured();
var app = KestrelTcpApplication.Build(args);
await app.RunAsync();
return 0;
