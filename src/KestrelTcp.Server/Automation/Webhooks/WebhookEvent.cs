using System.Text.Json.Serialization;

namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>One event, as POSTed (camelCase JSON; absent fields left out).</summary>
/// <param name="Id">Unique per event; also in <c>X-KestrelTcp-Event-Id</c>, so a receiver can drop a retried duplicate.</param>
/// <param name="Kind">What happened; sent as <c>type</c>: <c>connect</c>, <c>disconnect</c>, <c>identified</c> or <c>rule</c>.</param>
/// <param name="At">When it happened (UTC).</param>
/// <param name="SessionId">The session.</param>
/// <param name="Listener">Its listener.</param>
/// <param name="Remote">The peer's address.</param>
/// <param name="DeviceId">The device, when known.</param>
/// <param name="CloseReason">For <c>disconnect</c>.</param>
/// <param name="CloseDetail">For <c>disconnect</c>: the detail of the reason, when any.</param>
/// <param name="Node">In a cluster, the node that holds the session.</param>
/// <param name="Rule">For <c>rule</c>: the rule's id.</param>
/// <param name="Detail">For <c>rule</c>: what matched, as the rule reports it.</param>
public sealed record WebhookEvent(
    string Id,
    [property: JsonIgnore] WebhookEventKind Kind,
    DateTimeOffset At,
    string? SessionId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Listener = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Remote = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeviceId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CloseReason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CloseDetail = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Node = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Rule = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null)
{
    /// <summary>The event's type as sent.</summary>
    [JsonPropertyOrder(-1)]
    public string Type => Kind.ToString().ToLowerInvariant();

    /// <summary>A new event id.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");
}
