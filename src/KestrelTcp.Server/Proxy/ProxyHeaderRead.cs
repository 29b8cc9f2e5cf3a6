using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Proxy;

/// <summary>What <see cref="ProxyProtocolGate.ReadHeaderAsync"/> got: the header, or why there is none.</summary>
/// <param name="Header">The parsed header; null when <paramref name="Failure"/> says why not.</param>
/// <param name="Failure">Why the connection did not give a header: malformed, closed first, or too slow.</param>
internal readonly record struct ProxyHeaderRead(ProxyProtocolHeader? Header, string? Failure);
