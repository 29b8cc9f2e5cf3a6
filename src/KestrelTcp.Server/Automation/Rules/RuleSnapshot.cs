namespace KestrelTcp.Server.Automation.Rules;

/// <summary>A rule with its counters, as <c>GET /api/rules</c> shows it.</summary>
internal sealed record RuleSnapshot(RuleDefinition Rule, long Hits, DateTimeOffset? LastHitAt, long RegexTimeouts, long RepliesDropped);
