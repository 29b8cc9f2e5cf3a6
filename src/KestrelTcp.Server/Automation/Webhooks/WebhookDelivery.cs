namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>One event's delivery to an endpoint, for the delivery log.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Type">Its type.</param>
/// <param name="SessionId">Its session.</param>
/// <param name="At">When the delivery finished (delivered or given up).</param>
/// <param name="Delivered">Whether a 2xx answer came.</param>
/// <param name="Status">The last HTTP status, or null when none came.</param>
/// <param name="Attempts">How many POSTs were made.</param>
/// <param name="LatencyMs">Milliseconds of the last attempt.</param>
/// <param name="Error">Why the last attempt failed, when it did.</param>
public sealed record WebhookDelivery(string EventId, string Type, string? SessionId, DateTimeOffset At, bool Delivered, int? Status, int Attempts, double LatencyMs, string? Error);
