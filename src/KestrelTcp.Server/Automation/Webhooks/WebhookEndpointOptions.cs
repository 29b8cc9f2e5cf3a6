namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>One configured webhook, <c>KestrelTcp:Webhooks:Endpoints:{name}</c>.</summary>
public sealed class WebhookEndpointOptions
{
    /// <summary>Where events are POSTed: an absolute http or https URL.</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key of <c>X-KestrelTcp-Signature</c> (1 to 256 characters); required.</summary>
    public string? Secret { get; set; }

    /// <summary>The events sent, comma separated: <c>connect</c>, <c>disconnect</c>, <c>identified</c>,
    /// <c>rule</c>. Default: all of them.</summary>
    public string? Events { get; set; }
}
