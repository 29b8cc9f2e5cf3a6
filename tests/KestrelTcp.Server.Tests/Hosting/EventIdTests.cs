using System.Reflection;
using Microsoft.Extensions.Logging;

namespace KestrelTcp.Server.Tests.Hosting;

/// <summary>Log event ids are stable and unique: an operator filters and alerts on them.</summary>
public sealed class EventIdTests
{
    [Fact]
    public void EveryLogMessageOfTheServerHasItsOwnEventId()
    {
        var messages = typeof(KestrelTcpApplication).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.True(messages.Count > 100, $"found {messages.Count} log messages");
        var shared = messages
            .GroupBy(m => m.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Method.DeclaringType!.Name}.{m.Method.Name}"))}")
            .ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }
}
