namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>An endpoint as <c>GET /api/webhooks</c> shows it: never its secret.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Url">Where it POSTs.</param>
/// <param name="Events">The event types it is sent.</param>
/// <param name="Source"><c>configuration</c> or <c>api</c>.</param>
/// <param name="Queued">Events waiting now.</param>
/// <param name="Delivered">Events delivered.</param>
/// <param name="Retries">POSTs that failed and were tried again.</param>
/// <param name="DroppedQueueFull">Events dropped because the queue was full.</param>
/// <param name="DroppedAfterRetries">Events dropped after their last attempt failed.</param>
public sealed record WebhookEndpointInfo(string Name, string Url, IReadOnlyList<string> Events, string Source, int Queued, long Delivered, long Retries, long DroppedQueueFull, long DroppedAfterRetries);
