using System.Net;
using Microsoft.AspNetCore.Connections;
using BareKestrelEcho;

// Usage: BareKestrelEcho PORT
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 9100;
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.UseConnectionHandler<LengthPrefixedEchoHandler>()));
var app = builder.Build();
await app.RunAsync();
