namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>
/// Webhooks, configured under <c>KestrelTcp:Webhooks</c>: session events POSTed as signed JSON to each
/// endpoint, in order, from a bounded queue per endpoint that never blocks a device.
/// </summary>
public sealed class WebhooksOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Webhooks";

    /// <summary>The endpoints, by name (1 to 64 letters, digits, '-', '_' or '.').</summary>
    public Dictionary<string, WebhookEndpointOptions> Endpoints { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Most endpoints, configured and added through the API together (1 to 100, default 16): each
    /// has a delivery loop, a queue and a log.</summary>
    public int MaxEndpoints { get; set; } = 16;

    /// <summary>Events waiting per endpoint (16 to 1,000,000, default 10,000). When full, a new event is
    /// dropped and counted; the device that caused it is never slowed.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Attempts per event (1 to 20, default 5): after the last failure the event is dropped and counted.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry (10 ms to 1 min, default 1 s); doubled at each retry up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries (at least <see cref="InitialBackoff"/>, at most 10 min, default 30 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one POST (100 ms to 2 min, default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries kept per endpoint for <c>GET /api/webhooks/{name}/deliveries</c> (1 to 10,000, default 200).</summary>
    public int DeliveryLogSize { get; set; } = 200;
}
