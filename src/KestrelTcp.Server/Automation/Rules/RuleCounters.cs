namespace KestrelTcp.Server.Automation.Rules;

/// <summary>A rule's counters, in memory, kept across edits of the rule (not across restarts).</summary>
internal sealed class RuleCounters
{
    private long _hits;
    private long _lastHitTicks;
    private long _regexTimeouts;
    private long _repliesDropped;

    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>When the rule last matched; null when it never has.</summary>
    public DateTimeOffset? LastHitAt => Interlocked.Read(ref _lastHitTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Regex matches abandoned at <c>RegexTimeout</c> (counted as no match).</summary>
    public long RegexTimeouts => Interlocked.Read(ref _regexTimeouts);

    /// <summary>Replies not sent: longer than <c>MaxReplyBytes</c>, not valid for the listener's framing, or refused by the outbound queue.</summary>
    public long RepliesDropped => Interlocked.Read(ref _repliesDropped);

    /// <summary>Counts a hit; returns the hit count including it (the <c>{counter}</c> macro).</summary>
    public long Hit(long nowTicks)
    {
        Interlocked.Exchange(ref _lastHitTicks, nowTicks);
        return Interlocked.Increment(ref _hits);
    }

    public void RegexTimedOut() => Interlocked.Increment(ref _regexTimeouts);

    public void ReplyDropped() => Interlocked.Increment(ref _repliesDropped);
}
