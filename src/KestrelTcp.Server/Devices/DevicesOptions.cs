namespace KestrelTcp.Server.Devices;

/// <summary>
/// The durable device registry, configured under <c>KestrelTcp:Devices</c>: every device a listener's
/// <c>Identify</c> (or an operator) names is kept in <c>{DataPath}/devices.db</c>, online or not.
/// </summary>
public sealed class DevicesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Devices";

    /// <summary>Default <see cref="MaxDevices"/>: 100,000.</summary>
    public const int DefaultMaxDevices = 100_000;

    /// <summary>Default <see cref="MaxQueuedEvents"/>: 65,536.</summary>
    public const int DefaultMaxQueuedEvents = 65_536;

    /// <summary>Where the registry is kept. Default <c>{DataPath}/devices.db</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Most devices kept (1 to 10,000,000, default 100,000: a large fleet, a database of tens of
    /// megabytes). A device identified when the registry is full is not registered (it still connects and
    /// works); it is counted in <c>/api/server</c> and logged at most every 30 s. Forgetting devices makes room.</summary>
    public int MaxDevices { get; set; } = DefaultMaxDevices;

    /// <summary>Most device comings and goings waiting for the registry's writer (1,024 to 1,048,576,
    /// default 65,536: a whole fleet reconnecting at once). Beyond it an event is dropped and counted, never
    /// slowing a session; the device's row then lags until its next identification.</summary>
    public int MaxQueuedEvents { get; set; } = DefaultMaxQueuedEvents;

    /// <summary>Messages queued for offline devices (<c>POST /api/devices/{id}/send</c> with <c>"queue": true</c>).</summary>
    public PendingOptions Pending { get; set; } = new();
}
