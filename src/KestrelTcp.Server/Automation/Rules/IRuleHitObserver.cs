namespace KestrelTcp.Server.Automation.Rules;

/// <summary>
/// Told of every rule hit (for webhooks). Called on the session's read loop right after the reply is
/// queued: an implementation copies what it needs into a bounded queue and returns at once, never blocking,
/// awaiting or doing I/O. Optional: without one registered, a hit costs nothing more.
/// </summary>
internal interface IRuleHitObserver
{
    void RuleHit(string sessionId, string? deviceId, string listener, long ruleId, string ruleName);
}
