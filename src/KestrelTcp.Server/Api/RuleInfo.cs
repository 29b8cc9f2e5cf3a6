using KestrelTcp.Server.Automation.Rules;

namespace KestrelTcp.Server.Api;

/// <summary>A rule as the API shows it, with its counters (in memory since start).</summary>
internal sealed record RuleInfo(
    long Id,
    string Listener,
    string Name,
    int Order,
    bool Enabled,
    string MatchKind,
    string Pattern,
    string ReplyKind,
    string Reply,
    bool Record,
    long Hits,
    DateTimeOffset? LastHitAt,
    long RegexTimeouts,
    long RepliesDropped)
{
    public static RuleInfo From(RuleSnapshot snapshot)
    {
        var r = snapshot.Rule;
        return new RuleInfo(r.Id, r.Listener, r.Name, r.Order, r.Enabled, r.MatchKind.ToString(), r.Pattern, r.ReplyKind.ToString(), r.Reply, r.Record,
            snapshot.Hits, snapshot.LastHitAt, snapshot.RegexTimeouts, snapshot.RepliesDropped);
    }
}
