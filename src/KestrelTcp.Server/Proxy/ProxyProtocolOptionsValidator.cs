using KestrelTcp.Server.Admission;
using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Proxy;

/// <summary>Checks one listener's PROXY protocol settings; each message names the full key.</summary>
internal static class ProxyProtocolOptionsValidator
{
    internal static readonly TimeSpan MinHeaderTimeout = TimeSpan.FromMilliseconds(100);

    internal static readonly TimeSpan MaxHeaderTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Most <c>TrustedProxies</c> entries: each connection is checked against all of them.</summary>
    internal const int MaxTrustedProxies = 256;

    public static IEnumerable<string> Validate(string path, ListenerOptions listener)
    {
        if (listener.ProxyHeaderTimeout < MinHeaderTimeout || listener.ProxyHeaderTimeout > MaxHeaderTimeout)
        {
            yield return $"{path}:ProxyHeaderTimeout must be between {MinHeaderTimeout} and {MaxHeaderTimeout} (was {listener.ProxyHeaderTimeout}).";
        }

        var ranges = listener.TrustedProxies ?? [];
        if (ranges.Length > MaxTrustedProxies)
        {
            yield return $"{path}:TrustedProxies may hold at most {MaxTrustedProxies} ranges (has {ranges.Length}).";
        }

        for (var i = 0; i < ranges.Length; i++)
        {
            if (!CidrRange.TryParse(ranges[i], out _))
            {
                yield return $"{path}:TrustedProxies:{i} must be an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8 or fd00::/8 (was '{ranges[i]}').";
            }
        }
    }
}
