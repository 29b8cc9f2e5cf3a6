namespace KestrelTcp.Server.Automation.Rules;

/// <summary>Bounds of the auto-reply rules (<c>KestrelTcp:Rules</c>), each validated at start.</summary>
internal sealed class RulesOptions
{
    public const string Section = "KestrelTcp:Rules";

    /// <summary>How long one regex match may run before it is abandoned and counted as a timeout (default
    /// 50 ms): a pathological pattern costs the frame's reply, never the session or the thread.</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Rules per listener at most (default 100): every frame is tried against each, in order.</summary>
    public int MaxRulesPerListener { get; set; } = 100;

    /// <summary>Rules in all at most (default 1,000).</summary>
    public int MaxRules { get; set; } = 1000;

    /// <summary>Characters of a pattern at most (default 1,024).</summary>
    public int MaxPatternLength { get; set; } = 1024;

    /// <summary>Bytes of a reply at most, once its macros are expanded (default 4,096); a longer reply is not sent
    /// and is counted. The template itself is refused when it is longer than this.</summary>
    public int MaxReplyBytes { get; set; } = 4096;
}
