using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Proxy;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Proxy;

public sealed class ProxyProtocolOptionsTests
{
    [Fact]
    public void ProxyProtocolIsOffByDefaultAndTrustsLoopbackWhenTurnedOn()
    {
        var listener = new ListenerOptions();
        Assert.False(listener.ProxyProtocol);
        Assert.Equal(TimeSpan.FromSeconds(5), listener.ProxyHeaderTimeout);
        Assert.Null(new Listener("edge", listener).Proxy);

        listener.ProxyProtocol = true;
        var gate = new Listener("edge", listener).Proxy!;
        Assert.Equal(["127.0.0.0/8", "::1/128"], gate.TrustedProxies);
        Assert.True(gate.Admit(System.Net.IPAddress.Parse("127.0.0.1")));
        Assert.True(gate.Admit(System.Net.IPAddress.IPv6Loopback));
        Assert.True(gate.Admit(System.Net.IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(gate.Admit(System.Net.IPAddress.Parse("10.0.0.1")));
        Assert.False(gate.Admit(null));
    }

    [Fact]
    public void ConfiguredTrustedProxiesReplaceLoopback()
    {
        var gate = new ProxyProtocolGate(new ListenerOptions { ProxyProtocol = true, TrustedProxies = ["10.0.0.0/8"] });

        Assert.True(gate.Admit(System.Net.IPAddress.Parse("10.1.2.3")));
        Assert.False(gate.Admit(System.Net.IPAddress.Loopback));
    }

    [Theory]
    [InlineData("00:00:00", "KestrelTcp:Listeners:edge:ProxyHeaderTimeout must be between")]
    [InlineData("00:00:00.050", "KestrelTcp:Listeners:edge:ProxyHeaderTimeout must be between")]
    [InlineData("00:02:00", "KestrelTcp:Listeners:edge:ProxyHeaderTimeout must be between")]
    public void AHeaderTimeoutOutOfRangeNamesTheKey(string timeout, string expected)
    {
        var listener = new ListenerOptions { ProxyProtocol = true, ProxyHeaderTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Contains(Validate(listener), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BadTrustedProxiesNameTheKeyAndIndex()
    {
        var listener = new ListenerOptions { ProxyProtocol = true, TrustedProxies = ["10.0.0.0/8", "10.0.0.0/33", "haproxy"] };

        var errors = Validate(listener);

        Assert.Contains(errors, e => e.StartsWith("KestrelTcp:Listeners:edge:TrustedProxies:1 must be an IPv4 or IPv6 address or CIDR range", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("KestrelTcp:Listeners:edge:TrustedProxies:2 must be", StringComparison.Ordinal) && e.Contains("'haproxy'", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("TrustedProxies:0", StringComparison.Ordinal));
    }

    [Fact]
    public void TooManyTrustedProxiesAreRefused()
    {
        var listener = new ListenerOptions { ProxyProtocol = true, TrustedProxies = [.. Enumerable.Range(0, 257).Select(i => $"10.0.{i / 256}.{i % 256}")] };

        Assert.Contains(Validate(listener), e => e.StartsWith("KestrelTcp:Listeners:edge:TrustedProxies may hold at most 256", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheServerDoesNotStartWithABadSettingAndSaysWhichOne()
    {
        var settings = Settings.Listener("edge", "Echo", extra: [("ProxyProtocol", "true"), ("TrustedProxies:0", "not-a-range"), ("ProxyHeaderTimeout", "00:00:00")]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings, includeDefaultListener: false));

        Assert.Contains("KestrelTcp:Listeners:edge:TrustedProxies:0 must be", error.Message, StringComparison.Ordinal);
        Assert.Contains("KestrelTcp:Listeners:edge:ProxyHeaderTimeout must be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProxyProtocolValueThatIsNotABooleanNamesTheKey()
    {
        var settings = Settings.Listener("edge", "Echo", extra: [("ProxyProtocol", "maybe")]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings, includeDefaultListener: false));

        Assert.Contains("KestrelTcp:Listeners:edge:ProxyProtocol", error.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Validate(ListenerOptions listener)
    {
        var options = new KestrelTcpOptions();
        options.Listeners["edge"] = listener;
        return new KestrelTcpOptionsValidator().Validate(null, options).Failures ?? [];
    }
}
