using System.Net;

namespace KestrelTcp.Protocols;

/// <summary>A parsed PROXY protocol header (v1 text or v2 binary), as sent by HAProxy, AWS NLB, nginx
/// and other TCP load balancers before the client's first byte.</summary>
/// <param name="Version">1 (text) or 2 (binary).</param>
/// <param name="Command">Whether the header speaks for a client or for the proxy itself.</param>
/// <param name="Source">The client's address and port; null when the header names none (v1 <c>UNKNOWN</c>,
/// v2 <c>LOCAL</c>, v2 <c>AF_UNSPEC</c> or <c>AF_UNIX</c>): the connection's own address then stands.</param>
/// <param name="Destination">The address and port the client connected to (the balancer's frontend); null
/// when <paramref name="Source"/> is.</param>
/// <param name="Length">The header's size in bytes, TLVs included.</param>
public sealed record ProxyProtocolHeader(int Version, ProxyProtocolCommand Command, IPEndPoint? Source, IPEndPoint? Destination, int Length);
