using KestrelTcp.Protocols;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Api;

/// <summary>A TCP listener with its settings and counts.</summary>
/// <param name="Name">The listener's name (its configuration key).</param>
/// <param name="Address">The configured address.</param>
/// <param name="Port">The bound port (the real one when 0 was configured).</param>
/// <param name="Mode">Monitor, Echo or Broker.</param>
/// <param name="Framing">The framing settings.</param>
/// <param name="Sessions">Live sessions.</param>
/// <param name="MaxConnections">The connection limit.</param>
/// <param name="AcceptedTotal">Connections accepted since start.</param>
/// <param name="RejectedTotal">Connections refused at the limit since start.</param>
/// <param name="IdleTimeoutSeconds">The idle timeout in seconds (0 = off).</param>
/// <param name="Tls">Whether the listener uses TLS.</param>
/// <param name="Rejections">Connections refused since start, by reason.</param>
/// <param name="SessionsByNode">In a cluster, the listener's live sessions on each node (Up and Draining nodes); <c>Sessions</c> is this node's.</param>
/// <param name="Relay">In a cluster, a Broker listener's relay counters on this node (what it relayed, received and dropped); null otherwise.</param>
public sealed record ListenerInfo(
    string Name,
    string Address,
    int Port,
    ListenerMode Mode,
    FramingOptions Framing,
    int Sessions,
    int MaxConnections,
    long AcceptedTotal,
    long RejectedTotal,
    double IdleTimeoutSeconds,
    bool Tls,
    ListenerRejections Rejections,
    IReadOnlyDictionary<string, int>? SessionsByNode = null,
    RelayInfo? Relay = null);
