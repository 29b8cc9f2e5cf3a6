namespace KestrelTcp.Server.Api;

/// <summary>A listener's refused connections since start, by reason.</summary>
/// <param name="ConnectionLimit">At the listener's connection limit.</param>
/// <param name="AddressLimit">At the per-address connection limit (<c>Admission:MaxConnectionsPerAddress</c>).</param>
/// <param name="Rate">Over the per-address rate (<c>Admission:MaxNewConnectionsPerSecondPerAddress</c>).</param>
/// <param name="Denied">Denied by the CIDR allow or deny list.</param>
/// <param name="Banned">From an address banned after protocol violations.</param>
public sealed record ListenerRejections(long ConnectionLimit, long AddressLimit, long Rate, long Denied, long Banned);
