using KestrelTcp.Server;

var app = KestrelTcpApplication.Build(args);
await app.RunAsync();
