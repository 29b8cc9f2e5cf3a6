namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>Log messages of the webhooks (event ids 1440-1449).</summary>
internal static partial class WebhooksLog
{
    [LoggerMessage(EventId = 1440, EventName = "WebhookQueueFull", Level = LogLevel.Warning,
        Message = "Webhook {Endpoint}: its queue is full (KestrelTcp:Webhooks:QueueCapacity = {Capacity}); {Dropped} events dropped so far")]
    public static partial void WebhookQueueFull(this ILogger logger, string endpoint, int capacity, long dropped);

    [LoggerMessage(EventId = 1441, EventName = "WebhookGaveUp", Level = LogLevel.Warning,
        Message = "Webhook {Endpoint}: event {EventId} dropped after {Attempts} attempts ({Error})")]
    public static partial void WebhookGaveUp(this ILogger logger, string endpoint, string eventId, int attempts, string? error);

    [LoggerMessage(EventId = 1442, EventName = "WebhookAttemptFailed", Level = LogLevel.Debug,
        Message = "Webhook {Endpoint}: attempt {Attempt} of event {EventId} failed ({Error}); next in {Backoff}")]
    public static partial void WebhookAttemptFailed(this ILogger logger, string endpoint, string eventId, int attempt, string? error, TimeSpan backoff);
}
