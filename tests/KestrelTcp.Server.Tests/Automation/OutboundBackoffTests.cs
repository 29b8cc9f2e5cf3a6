using KestrelTcp.Server.Automation.Outbound;

namespace KestrelTcp.Server.Tests.Automation;

public sealed class OutboundBackoffTests
{
    [Fact]
    public void BackoffDoublesPerFailureWithJitterAndNeverPassesReconnectMax()
    {
        var options = new OutboundConnectionOptions { ReconnectMin = TimeSpan.FromMilliseconds(100), ReconnectMax = TimeSpan.FromSeconds(1) };
        OutboundTarget.TryParse("127.0.0.1:1", out var target);
        var connection = new OutboundConnection("plc", options, target!, fromConfiguration: false, KestrelTcp.Server.Sessions.OutboundBudget.Unlimited, null!, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(connection.Backoff(1).TotalMilliseconds, 80, 120);
            Assert.InRange(connection.Backoff(3).TotalMilliseconds, 320, 480);
            Assert.InRange(connection.Backoff(50).TotalMilliseconds, 800, 1000);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:502", "127.0.0.1", 502)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("plc-7.local:502", "plc-7.local", 502)]
    public void ParsesTargets(string text, string host, int port)
    {
        Assert.True(OutboundTarget.TryParse(text, out var target));
        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("::1:502")]
    [InlineData("bad host:1")]
    public void RefusesMalformedTargets(string text) => Assert.False(OutboundTarget.TryParse(text, out _));

    [Theory]
    [InlineData("10.1.0.0/16:502", "10.1.2.3", 502, true)]
    [InlineData("10.1.0.0/16:502", "10.1.2.3", 503, false)]
    [InlineData("10.1.0.0/16:502", "10.2.0.1", 502, false)]
    [InlineData("[::1/128]:9000-9100", "::1", 9050, true)]
    [InlineData("127.0.0.0/8:1-65535", "::ffff:127.0.0.1", 80, true)]
    public void AllowedTargetsMatchAddressAndPort(string entry, string address, int port, bool allowed)
    {
        Assert.True(AllowedTargets.TryParse([entry], out var targets, out _));
        Assert.Equal(allowed, targets.Allows(System.Net.IPAddress.Parse(address), port));
    }

    [Theory]
    [InlineData("10.1.0.0/16")]
    [InlineData("10.1.0.0/16:0")]
    [InlineData("10.1.0.0/16:9-1")]
    [InlineData("nonsense:80")]
    public void AllowedTargetsRefuseMalformedEntriesNamingThem(string entry)
    {
        Assert.False(AllowedTargets.TryParse(["127.0.0.0/8:1-65535", entry], out _, out var error));
        Assert.Contains("AllowedTargets:1", error);
    }
}
