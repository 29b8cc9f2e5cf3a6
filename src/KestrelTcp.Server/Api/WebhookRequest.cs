namespace KestrelTcp.Server.Api;

/// <summary>A webhook endpoint to add (<c>POST /api/webhooks</c>).</summary>
/// <param name="Name">1 to 64 letters, digits, '-', '_' or '.'.</param>
/// <param name="Url">An absolute http or https URL.</param>
/// <param name="Secret">The HMAC-SHA256 key (1 to 256 characters); never shown again.</param>
/// <param name="Events">Any of <c>connect</c>, <c>disconnect</c>, <c>identified</c>, <c>rule</c>; none = all.</param>
public sealed record WebhookRequest(string? Name = null, string? Url = null, string? Secret = null, IReadOnlyList<string>? Events = null);
