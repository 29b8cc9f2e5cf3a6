using System.ComponentModel.DataAnnotations;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Admission;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// One raw TCP listener, configured under <c>KestrelTcp:Listeners:{name}</c>.
/// </summary>
public sealed class ListenerOptions
{
    /// <summary>Default <see cref="MaxConnections"/>: 10,000. Well under the default file-descriptor
    /// limit, so a flood of connections cannot starve the HTTP side of sockets.</summary>
    public const int DefaultMaxConnections = 10_000;

    /// <summary>Default <see cref="OutboundQueueBytes"/>: 1 MiB. Enough to absorb bursts to a slow
    /// reader; a client that falls further behind is closed as SlowConsumer instead of growing memory.</summary>
    public const int DefaultOutboundQueueBytes = 1024 * 1024;

    /// <summary>Default <see cref="FanOutSliceDeliveries"/>: 65,536. About 10 ms of relaying 100-byte frames
    /// on one core, so the other sessions of an event loop wait a few such slices at most behind a burst.</summary>
    public const int DefaultFanOutSliceDeliveries = 64 * 1024;

    /// <summary>IP address to bind: <c>0.0.0.0</c> (all IPv4), <c>::</c> (all), <c>localhost</c> or an address. Default <c>0.0.0.0</c>.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>TCP port; 0 picks a free port (for tests). Default 9000.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9000;

    /// <summary>What the listener does with received frames. Default <see cref="ListenerMode.Monitor"/>.</summary>
    public ListenerMode Mode { get; set; } = ListenerMode.Monitor;

    /// <summary>How the byte stream is split into frames. Default <see cref="FramingKind.Line"/> with 8 KiB lines.</summary>
    public FramingOptions Framing { get; set; } = new();

    /// <summary>Most concurrent sessions on this listener; further connections are closed at once with
    /// reason ConnectionLimit. Default <see cref="DefaultMaxConnections"/>.</summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>Close a session after this long without a byte in either direction. Default 5 minutes; zero turns it off.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a closed session may keep draining what it still has to send (the echoes before
    /// a framing violation, the replies after the client closed its side) before the connection is
    /// aborted and the rest dropped. Default 10 seconds: ample for a reading peer to take a full outbound
    /// queue, short enough that a peer which half-closes and stops reading cannot hold a session past
    /// its idle timeout. Must be positive.</summary>
    public TimeSpan CloseDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Enable TCP keepalive probes so that peers that vanished without a FIN are detected. Default on.</summary>
    public bool KeepAlive { get; set; } = true;

    /// <summary>Idle time before the first keepalive probe. Default 60 seconds.</summary>
    public TimeSpan KeepAliveTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between keepalive probes. Default 10 seconds (5 unanswered probes close the connection).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes waiting to be sent to one session before it is closed as SlowConsumer.
    /// Default <see cref="DefaultOutboundQueueBytes"/>.</summary>
    public int OutboundQueueBytes { get; set; } = DefaultOutboundQueueBytes;

    /// <summary>Most deliveries (frames times the peers each goes to) that one Broker session relays before it
    /// lets the other connections of its thread run: it then stops parsing its input and continues on the
    /// thread pool, and while its fan-out lags its socket is not read. The same bound splits a broadcast
    /// or a send to many sessions. Default <see cref="DefaultFanOutSliceDeliveries"/>; lower favours the
    /// other sessions' latency, higher the relay's throughput.</summary>
    public int FanOutSliceDeliveries { get; set; } = DefaultFanOutSliceDeliveries;

    /// <summary>Run this listener's sessions on the socket thread that completed each read (Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>) instead of handing every read to the thread pool. Sessions never
    /// block, so this only removes thread hops. Default on; TLS listeners always use the thread pool.</summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>Per-address limits, CIDR allow and deny lists and bans; all off by default.</summary>
    public ListenerAdmissionOptions Admission { get; set; } = new();

    /// <summary>Default <see cref="ProxyHeaderTimeout"/>: 5 seconds. A balancer sends the header at once with
    /// the connection; a connection that has not sent it by then is not one.</summary>
    public static readonly TimeSpan DefaultProxyHeaderTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Connections come through a TCP load balancer that speaks the PROXY protocol (v1 or v2, as
    /// HAProxy's <c>send-proxy</c>/<c>send-proxy-v2</c>, AWS NLB, nginx <c>proxy_protocol on</c> send it):
    /// each must come from <see cref="TrustedProxies"/> and start with a PROXY header, and the session's
    /// remote endpoint (what the API shows, what admission control limits and bans) is the client the header
    /// names. The header comes before TLS on a TLS listener. Default false: the header is not read, at no cost.</summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>CIDR ranges (IPv4 or IPv6, or single addresses) of the balancers allowed to send PROXY
    /// headers, when <see cref="ProxyProtocol"/> is on; connections from anywhere else are refused.
    /// Default empty, which means loopback only (<c>127.0.0.0/8</c> and <c>::1/128</c>): set it to the
    /// balancers' addresses. (Empty rather than loopback as the property's value, because the configuration
    /// binder appends configured items to an array's initial ones.)</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>How long a connection from a trusted proxy may take to send its whole PROXY header before
    /// it is closed (<c>ProxyHeader</c>). Default <see cref="DefaultProxyHeaderTimeout"/>; between 100 ms and 1 minute.</summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = DefaultProxyHeaderTimeout;

    /// <summary>How sessions identify as devices from their first frames; null (the default) for not at all.</summary>
    public IdentifyOptions? Identify { get; set; }

    /// <summary>TLS for this listener; null (the default) for plain TCP.</summary>
    public ListenerTlsOptions? Tls { get; set; }
}
