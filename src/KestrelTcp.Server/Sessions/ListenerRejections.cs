namespace KestrelTcp.Server.Sessions;

/// <summary>A listener's refused connections since start, by reason (the API's listeners and the dashboard's totals).</summary>
/// <param name="ConnectionLimit">At the listener's connection limit.</param>
/// <param name="AddressLimit">At the per-address connection limit (<c>Admission:MaxConnectionsPerAddress</c>).</param>
/// <param name="Rate">Over the per-address rate (<c>Admission:MaxNewConnectionsPerSecondPerAddress</c>).</param>
/// <param name="Denied">Denied by the CIDR allow or deny list.</param>
/// <param name="Banned">From an address banned after protocol violations.</param>
/// <param name="UntrustedProxy">With <c>ProxyProtocol</c> on: from an address not in <c>TrustedProxies</c>.</param>
/// <param name="ProxyHeader">With <c>ProxyProtocol</c> on: the PROXY header was missing, malformed or late.</param>
public sealed record ListenerRejections(long ConnectionLimit, long AddressLimit, long Rate, long Denied, long Banned, long UntrustedProxy = 0, long ProxyHeader = 0)
{
    /// <summary>No refusals.</summary>
    public static ListenerRejections None { get; } = new(0, 0, 0, 0, 0);

    /// <summary>All refusals, whatever the reason.</summary>
    public long Total => ConnectionLimit + AddressLimit + Rate + Denied + Banned + UntrustedProxy + ProxyHeader;

    /// <summary>These refusals and <paramref name="other"/>'s together.</summary>
    public ListenerRejections Plus(ListenerRejections other) => new(
        ConnectionLimit + other.ConnectionLimit,
        AddressLimit + other.AddressLimit,
        Rate + other.Rate,
        Denied + other.Denied,
        Banned + other.Banned,
        UntrustedProxy + other.UntrustedProxy,
        ProxyHeader + other.ProxyHeader);
}
