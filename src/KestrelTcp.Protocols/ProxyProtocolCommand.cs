namespace KestrelTcp.Protocols;

/// <summary>What a PROXY protocol header says about the connection it starts.</summary>
public enum ProxyProtocolCommand
{
    /// <summary>The connection carries a client's stream; <see cref="ProxyProtocolHeader.Source"/> names the
    /// client when the header gives an IPv4 or IPv6 address (v1 <c>TCP4</c>/<c>TCP6</c>, v2 <c>PROXY</c>).</summary>
    Proxy,

    /// <summary>The proxy speaks for itself (v2 <c>LOCAL</c>, for example a health check): the connection's
    /// own addresses stand.</summary>
    Local,
}
