namespace KestrelTcp.Server.Automation.Rules;

/// <summary>An auto-reply rule as stored and as the API shows it (without its counters).</summary>
/// <param name="Id">Assigned by the store.</param>
/// <param name="Listener">The listener whose frames it matches.</param>
/// <param name="Name">A label for the operator.</param>
/// <param name="Order">Position among the listener's rules: the lowest matching order wins.</param>
/// <param name="Enabled">Whether it matches at all.</param>
/// <param name="MatchKind">How it matches.</param>
/// <param name="Pattern">What it matches (text, regex or hex pattern).</param>
/// <param name="ReplyKind">How <paramref name="Reply"/> is written.</param>
/// <param name="Reply">The reply template; empty for a rule that only matches (e.g. to keep heartbeats out of history).</param>
/// <param name="Record">False to keep the matched frame and the reply out of the history and the durable history.</param>
internal sealed record RuleDefinition(
    long Id,
    string Listener,
    string Name,
    int Order,
    bool Enabled,
    RuleMatchKind MatchKind,
    string Pattern,
    RuleReplyKind ReplyKind,
    string Reply,
    bool Record);
