using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Hosting;

/// <summary>Issue 15, point 3: the console log is the safe formatter unless the operator picks another
/// (<c>Logging:Console:FormatterName=json</c> for a log shipper), and a TCP listener is announced as tcp://.</summary>
public sealed class ConsoleFormatTests
{
    [Fact]
    public async Task TheSafeFormatterIsTheDefaultAndAConfiguredFormatterWins()
    {
        await using (var plain = await TestServer.StartAsync())
        {
            Assert.Equal(SafeConsoleFormatter.FormatterName, plain.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        }

        await using var json = await TestServer.StartAsync(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json" });
        Assert.Equal(ConsoleFormatterNames.Json, json.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public async Task ATcpListenerIsAnnouncedWithTheTcpScheme()
    {
        var logs = new RecordingLoggerProvider();
        await using var server = await TestServer.StartAsync(configure: b =>
        {
            b.Logging.AddProvider(logs);
            b.Logging.AddFilter(_ => true);
        });

        var port = server.TcpEndPoint().Port;
        await Eventually.WaitAsync(() => logs.Messages.Any(m => m.Contains($"TCP listener default on tcp://127.0.0.1:{port}", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the listener's announcement");
    }
}
