using KestrelTcp.Server.Hosting;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Hosting;

/// <summary>Issue 15, point 3: every log line of a session carries its id, listener, remote endpoint and
/// device; the console writes them (escaped); and the host announces only HTTP endpoints as http://.</summary>
public sealed class SessionLogScopeTests
{
    [Fact]
    public async Task ASessionsLogLinesCarryItsIdListenerRemoteEndPointAndDevice()
    {
        var logs = new ScopeRecordingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["KestrelTcp:Listeners:default:Identify:Pattern"] = @"^REG,(?<id>[\w-]+)",
                ["KestrelTcp:Listeners:default:Framing:MaxFrameBytes"] = "32",
            },
            configure: b =>
            {
                b.Logging.AddProvider(logs);
                b.Logging.AddFilter(_ => true);
            });
        await using var client = await server.ConnectAsync();
        var sessionId = await server.SessionIdOfAsync(client);

        await client.SendLineAsync("REG,meter-7");
        Assert.True(server.GetRequiredService<KestrelTcp.Server.Sessions.SessionRegistry>().TryGet(sessionId, out var session));
        await Eventually.WaitAsync(() => session.DeviceId == "meter-7", TimeSpan.FromSeconds(10), "the device identified");
        await client.SendLineAsync(new string('x', 100));
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the session was closed for its too-long frame");

        var violation = await EventuallyEntryAsync(logs, e => e.EventId == 103 && e.Message.Contains(sessionId, StringComparison.Ordinal));
        Assert.Equal(sessionId, violation.Scope["SessionId"]);
        Assert.Equal("default", violation.Scope["Listener"]);
        Assert.Equal(client.LocalEndPoint, violation.Scope["RemoteEndPoint"]);
        Assert.Equal("meter-7", violation.Scope["DeviceId"]);

        var opened = await EventuallyEntryAsync(logs, e => e.EventId == 100 && e.Message.Contains(sessionId, StringComparison.Ordinal));
        Assert.Equal(sessionId, opened.Scope["SessionId"]);
        Assert.Null(opened.Scope["DeviceId"]);
    }

    [Fact]
    public void TheConsoleWritesTheScopesEscapedOnALineOfTheirOwnWhenScopesAreOn()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var outer = scopes.Push(new Dictionary<string, object?> { ["ConnectionId"] = "c1" }.ToList());
        using var inner = scopes.Push("SessionId:s1 Listener:default RemoteEndPoint:10.0.0.1:5000 DeviceId:evil\ninfo: forged");

        var on = Format(scopes, includeScopes: true);
        var off = Format(scopes, includeScopes: false);

        var lines = on.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("info: KestrelTcp.Server.Sessions.TcpSessionHandler[103]", lines[0], StringComparison.Ordinal);
        Assert.Contains("=> SessionId:s1 Listener:default RemoteEndPoint:10.0.0.1:5000 DeviceId:evil\\ninfo: forged", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("     ", lines[1], StringComparison.Ordinal);
        Assert.Equal("      the message", lines[2]);
        Assert.DoesNotContain("SessionId", off, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHostAnnouncesOnlyTheHttpEndpointsAndTheListenersAsTcp()
    {
        var logs = new ScopeRecordingLoggerProvider();
        await using var server = await TestServer.StartAsync(configure: b =>
        {
            b.Logging.AddProvider(logs);
            b.Logging.AddFilter(_ => true);
        });
        var tcpPort = server.TcpEndPoint().Port;

        var listening = logs.Entries.Where(e => e.Category == "Microsoft.Hosting.Lifetime" && e.Message.StartsWith("Now listening on:", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal([$"Now listening on: {server.HttpAddress.ToString().TrimEnd('/')}"], listening);
        Assert.DoesNotContain(listening, m => m.Contains($":{tcpPort}", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Message.Contains($"tcp://127.0.0.1:{tcpPort}", StringComparison.Ordinal));

        var addresses = server.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Single(addresses);
        Assert.Single(addresses.ToArray());
        Assert.DoesNotContain($"http://127.0.0.1:{tcpPort}", addresses);
    }

    private static string Format(IExternalScopeProvider scopes, bool includeScopes)
    {
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "KestrelTcp.Server.Sessions.TcpSessionHandler", new EventId(103), "the message", null, (state, _) => state);
        var options = new OptionsMonitorStub(new ConsoleFormatterOptions { IncludeScopes = includeScopes });
        new SafeConsoleFormatter(options).Write(in entry, scopes, writer);
        return writer.ToString();
    }

    private static async Task<(string Category, int EventId, string Message, IReadOnlyDictionary<string, object?> Scope)> EventuallyEntryAsync(
        ScopeRecordingLoggerProvider logs,
        Func<(string Category, int EventId, string Message, IReadOnlyDictionary<string, object?> Scope), bool> match)
    {
        await Eventually.WaitAsync(() => logs.Entries.Any(match), TimeSpan.FromSeconds(10), "the log entry");
        return logs.Entries.First(match);
    }

    private sealed class OptionsMonitorStub(ConsoleFormatterOptions value) : IOptionsMonitor<ConsoleFormatterOptions>
    {
        public ConsoleFormatterOptions CurrentValue => value;

        public ConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleFormatterOptions, string?> listener) => null;
    }
}
