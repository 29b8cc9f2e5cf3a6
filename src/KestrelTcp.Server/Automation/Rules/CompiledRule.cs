using System.Text;
using System.Text.RegularExpressions;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>
/// One enabled rule ready for the data path: literals UTF-8 encoded once and matched on bytes, hex
/// patterns as value and mask, regexes compiled with a match timeout (only they decode the payload).
/// </summary>
internal sealed class CompiledRule
{
    private readonly byte[] _literal;
    private readonly HexPattern? _hex;
    private readonly Regex? _regex;

    public CompiledRule(RuleDefinition definition, byte[] literal, HexPattern? hex, Regex? regex, ReplyTemplate reply, RuleCounters counters)
    {
        Definition = definition;
        _literal = literal;
        _hex = hex;
        _regex = regex;
        Reply = reply;
        Counters = counters;
    }

    public RuleDefinition Definition { get; }

    public ReplyTemplate Reply { get; }

    public RuleCounters Counters { get; }

    /// <summary>Whether <paramref name="payload"/> matches; a regex match is returned for the reply's captures.
    /// A regex that runs past its timeout is counted and does not match.</summary>
    public bool TryMatch(ReadOnlySpan<byte> payload, out Match? match)
    {
        match = null;
        switch (Definition.MatchKind)
        {
            case RuleMatchKind.Equals:
                return payload.SequenceEqual(_literal);
            case RuleMatchKind.Prefix:
                return payload.StartsWith(_literal);
            case RuleMatchKind.Contains:
                return payload.IndexOf(_literal) >= 0;
            case RuleMatchKind.Hex:
                return _hex!.IsMatch(payload);
            default:
                try
                {
                    var found = _regex!.Match(Encoding.UTF8.GetString(payload));
                    if (!found.Success)
                    {
                        return false;
                    }

                    match = found;
                    return true;
                }
                catch (RegexMatchTimeoutException)
                {
                    Counters.RegexTimedOut();
                    return false;
                }
        }
    }
}
