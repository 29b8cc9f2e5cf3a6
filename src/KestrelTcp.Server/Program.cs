using KestrelTcp.Server;
using KestrelTcp.Server.Hosting;

if (HealthProbeCommand.TryRun(args, out var exitCode))
{
    return exitCode;
}

var app = KestrelTcpApplication.Build(args);
await app.RunAsync();
return 0;
