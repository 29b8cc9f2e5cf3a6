namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>
/// Outbound connections (devices that are TCP servers, which KestrelTcp dials), configured under
/// <c>KestrelTcp:Outbound</c>: the settings below, and every other child <c>KestrelTcp:Outbound:{name}</c>
/// is a connection (<see cref="OutboundConnectionOptions"/>). The setting names are therefore not
/// available as connection names.
/// </summary>
public sealed class OutboundOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Outbound";

    /// <summary>Default <see cref="MaxConnections"/>: 100.</summary>
    public const int DefaultMaxConnections = 100;

    /// <summary>Default <see cref="ConnectTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="MaxReconnectDelayLimit"/>: 1 hour.</summary>
    public static readonly TimeSpan DefaultMaxReconnectDelayLimit = TimeSpan.FromHours(1);

    /// <summary>The names of the settings of this section (not connection names).</summary>
    public static readonly IReadOnlySet<string> SettingNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        nameof(AllowedTargets), nameof(MaxConnections), nameof(ConnectTimeout), nameof(MaxReconnectDelayLimit), nameof(Connections),
    };

    /// <summary>Where the server may dial: entries <c>CIDR:ports</c>, such as <c>127.0.0.0/8:1-65535</c>,
    /// <c>10.1.0.0/16:502</c> or <c>[::1/128]:9000-9100</c>. Every address a target's host name resolves to
    /// must be in one, checked again on each redial. Default empty: no outbound dialing at all, so the
    /// dashboard cannot be turned into a port scanner until an administrator says where it may reach.</summary>
    public string[] AllowedTargets { get; set; } = [];

    /// <summary>Most outbound connections (configured and created through the API together). Default
    /// <see cref="DefaultMaxConnections"/>; between 1 and 10,000.</summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>How long one dial may take before it counts as failed. Default
    /// <see cref="DefaultConnectTimeout"/>; between 100 ms and 5 minutes.</summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>The largest <c>ReconnectMax</c> a connection may ask for. Default
    /// <see cref="DefaultMaxReconnectDelayLimit"/>; between 1 second and 1 day.</summary>
    public TimeSpan MaxReconnectDelayLimit { get; set; } = DefaultMaxReconnectDelayLimit;

    /// <summary>The configured connections, by name (the children of the section that are not settings).</summary>
    public Dictionary<string, OutboundConnectionOptions> Connections { get; } = new(StringComparer.OrdinalIgnoreCase);
}
