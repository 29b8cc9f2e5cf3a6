using KestrelTcp.Protocols;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>One outbound connection: <c>KestrelTcp:Outbound:{name}</c>, or a <c>POST /api/connections</c>.</summary>
public sealed class OutboundConnectionOptions
{
    /// <summary>Default <see cref="ReconnectMin"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultReconnectMin = TimeSpan.FromSeconds(1);

    /// <summary>Default <see cref="ReconnectMax"/>: 1 minute.</summary>
    public static readonly TimeSpan DefaultReconnectMax = TimeSpan.FromMinutes(1);

    /// <summary>What to dial: <c>host:port</c> or <c>[IPv6]:port</c>. Required.</summary>
    public string? Target { get; set; }

    /// <summary>How the byte stream is split into frames, with the same options a listener has. Default Line.</summary>
    public FramingOptions Framing { get; set; } = new();

    /// <summary>The first delay before a redial; it doubles after each failure up to <see cref="ReconnectMax"/>,
    /// with ±20% jitter. Default <see cref="DefaultReconnectMin"/>; at least 10 ms.</summary>
    public TimeSpan ReconnectMin { get; set; } = DefaultReconnectMin;

    /// <summary>The longest delay between redials. Default <see cref="DefaultReconnectMax"/>; at least
    /// <see cref="ReconnectMin"/> and at most <c>KestrelTcp:Outbound:MaxReconnectDelayLimit</c>.</summary>
    public TimeSpan ReconnectMax { get; set; } = DefaultReconnectMax;

    /// <summary>Close the session after this long without a byte either way (and redial). Default zero: off,
    /// as a device that only answers polls is often quiet; TCP keepalive still finds a vanished peer.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;
}
