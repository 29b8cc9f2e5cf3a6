using System.Text;
using System.Text.RegularExpressions;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>Checks a rule against the bounds and compiles it for the data path.</summary>
internal static class RuleCompiler
{
    public const int MaxNameLength = 128;

    /// <summary>Compiles <paramref name="definition"/>; returns the first problem found instead when there is one.</summary>
    public static RuleError? TryCompile(RuleDefinition definition, RulesOptions options, RuleCounters counters, out CompiledRule? compiled)
    {
        compiled = null;
        if (definition.Name.Length > MaxNameLength)
        {
            return new RuleError("name", $"must be at most {MaxNameLength} characters (was {definition.Name.Length}).");
        }

        if (!Enum.IsDefined(definition.MatchKind))
        {
            return new RuleError("matchKind", "must be Equals, Prefix, Contains, Regex or Hex.");
        }

        if (!Enum.IsDefined(definition.ReplyKind))
        {
            return new RuleError("replyKind", "must be Text or Hex.");
        }

        if (string.IsNullOrEmpty(definition.Pattern))
        {
            return new RuleError("pattern", "is required.");
        }

        if (definition.Pattern.Length > options.MaxPatternLength)
        {
            return new RuleError("pattern", $"must be at most {options.MaxPatternLength} characters (KestrelTcp:Rules:MaxPatternLength; was {definition.Pattern.Length}).");
        }

        if (definition.Reply.Length > options.MaxReplyBytes)
        {
            return new RuleError("reply", $"must be at most {options.MaxReplyBytes} characters (KestrelTcp:Rules:MaxReplyBytes; was {definition.Reply.Length}).");
        }

        HexPattern? hex = null;
        Regex? regex = null;
        var literal = Array.Empty<byte>();
        switch (definition.MatchKind)
        {
            case RuleMatchKind.Hex:
                if (!HexPattern.TryParse(definition.Pattern, out hex, out var hexError))
                {
                    return new RuleError("pattern", $"'{definition.Pattern}' is not a hex pattern: {hexError}");
                }

                break;
            case RuleMatchKind.Regex:
                try
                {
                    regex = new Regex(definition.Pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, options.RegexTimeout);
                }
                catch (ArgumentException ex)
                {
                    return new RuleError("pattern", $"'{definition.Pattern}' is not a valid regular expression: {ex.Message}");
                }

                break;
            default:
                literal = Encoding.UTF8.GetBytes(definition.Pattern);
                break;
        }

        if (!ReplyTemplate.TryParse(definition.Reply, definition.ReplyKind, out var template, out var replyError))
        {
            return new RuleError("reply", replyError);
        }

        if (template.MaxGroup >= 0)
        {
            var groups = regex?.GetGroupNumbers().Max() ?? -1;
            if (regex is null)
            {
                return new RuleError("reply", $"uses capture {{{template.MaxGroup}}}, but only a Regex rule has captures.");
            }

            if (template.MaxGroup > groups)
            {
                return new RuleError("reply", $"uses capture {{{template.MaxGroup}}}, but the pattern has {groups} group(s).");
            }
        }

        compiled = new CompiledRule(definition, literal, hex, regex, template, counters);
        return null;
    }
}
