namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Server configuration, bound from the <c>KestrelTcp</c> section. Every key can be overridden by an
/// environment variable such as <c>KestrelTcp__Listeners__default__Port=9100</c>.
/// </summary>
public sealed class KestrelTcpOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp";

    /// <summary>Folder for all durable data (audit log, Data Protection keys). Relative paths are
    /// resolved against the working directory. Default <c>data</c>; <c>/data</c> (a volume) in the container.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>The raw TCP listeners, keyed by name.</summary>
    public Dictionary<string, ListenerOptions> Listeners { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-session frame history.</summary>
    public HistoryOptions History { get; set; } = new();

    /// <summary>Default <see cref="MaxTotalOutboundBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxTotalOutboundBytes = 256L * 1024 * 1024;

    /// <summary>Bytes all sessions together may hold waiting to be sent (each one also within its listener's
    /// <c>OutboundQueueBytes</c>). Default 256 MiB: room for a thousand sessions a quarter of their queue
    /// behind at once, or a 16 KiB broadcast to every session of a full server, on a small container. When
    /// it is in use, a device-side enqueue (echo, broker relay) to a session that is more than 4 KiB behind
    /// closes that session as SlowConsumer, and an operator's send or broadcast reports the session as
    /// <c>ServerBusy</c> without closing it. At least 1 MiB.</summary>
    public long MaxTotalOutboundBytes { get; set; } = DefaultMaxTotalOutboundBytes;

    /// <summary>How many recently closed sessions are kept with their close reason. Default 500.</summary>
    public int RecentlyClosedCapacity { get; set; } = 500;

    /// <summary>How long shutdown waits for sessions to flush and close before aborting them. Default
    /// 20 seconds: shorter than a container runtime's default stop grace period (30 s).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How many sessions per second an operator's node drain (<c>POST /api/nodes/{name}/drain</c>)
    /// closes (default 100): a thousand devices then reconnect over ten seconds, not in the same one.</summary>
    public int DrainSessionsPerSecond { get; set; } = 100;
}
