using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue 11, item 8: a line feed in a login name or kick reason wrote a forged log line. The console log
/// escapes every control character of a message, so one entry is one header and one message line.
/// </summary>
public sealed class LogInjectionTests
{
    [Theory]
    [InlineData("bob\ninfo: forged[0]", "bob\\ninfo: forged[0]")]
    [InlineData("bob\r\ninfo: forged", "bob\\r\\ninfo: forged")]
    [InlineData("bob\u2028info: forged", "bob\\u2028info: forged")]
    [InlineData("bob\u001B[2Kinfo: forged", "bob\\x1B[2Kinfo: forged")]
    [InlineData("a\tb\u007Fc\u0000d\u0085e", "a\\tb\\x7Fc\\x00d\\u0085e")]
    public void AMessageWithControlCharactersIsWrittenAsOneEscapedLine(string userName, string escaped)
    {
        var text = Format(LogLevel.Information, $"Sign-in failed for {userName}.");

        var lines = text.Split('\n');
        Assert.Equal(["info: KestrelTcp.Server.Security.LoginService[42]", $"      Sign-in failed for {escaped}.", string.Empty], lines);
        Assert.DoesNotContain(lines, line => line.StartsWith("info: forged", StringComparison.Ordinal));
    }

    [Fact]
    public void ExceptionTextFollowsOnIndentedLines()
    {
        var text = Format(LogLevel.Error, "It broke.", new InvalidOperationException("inner"));

        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal("fail: KestrelTcp.Server.Security.LoginService[42]", lines[0]);
        Assert.Equal("      It broke.", lines[1]);
        Assert.StartsWith("      System.InvalidOperationException: inner", lines[2], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), line => Assert.StartsWith("      ", line, StringComparison.Ordinal));
    }

    [Fact]
    public void TheServersConsoleLogUsesTheEscapingFormatter()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSafeConsole());
        using var provider = services.BuildServiceProvider();

        Assert.Equal(SafeConsoleFormatter.FormatterName, provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.Contains(provider.GetServices<ConsoleFormatter>(), f => f is SafeConsoleFormatter);
    }

    private static string Format(LogLevel level, string message, Exception? exception = null)
    {
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "KestrelTcp.Server.Security.LoginService", new EventId(42), message, exception, (state, _) => state);
        new SafeConsoleFormatter().Write(in entry, null, writer);
        return writer.ToString();
    }
}
