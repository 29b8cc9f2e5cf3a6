namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>What a webhook event tells.</summary>
public enum WebhookEventKind
{
    /// <summary>A session opened.</summary>
    Connect,

    /// <summary>A session closed (with its close reason).</summary>
    Disconnect,

    /// <summary>A session became a device.</summary>
    Identified,

    /// <summary>An auto-reply rule matched a frame.</summary>
    Rule,
}
