using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>
/// A rule's reply, parsed once: literal bytes and macros in braces. <c>{0}</c> is the whole regex match and
/// <c>{1}</c>..<c>{99}</c> its groups (Regex rules only; a group that did not take part is empty);
/// <c>{device}</c> is the session's device id (empty when unidentified); <c>{counter}</c> the rule's hit
/// count including this hit (1, 2, ...); <c>{time}</c> the UTC time in ISO-8601 (<c>2026-12-03T17:00:00.000Z</c>).
/// <c>{{</c> and <c>}}</c> are literal braces in text. In a hex reply the literal parts are hex byte pairs
/// and each macro is inserted as its UTF-8 text.
/// </summary>
internal sealed class ReplyTemplate
{
    private readonly Part[] _parts;

    private ReplyTemplate(Part[] parts, int maxGroup)
    {
        _parts = parts;
        MaxGroup = maxGroup;
    }

    /// <summary>The highest capture group the template uses; -1 for none.</summary>
    public int MaxGroup { get; }

    /// <summary>Whether the reply is empty (a rule that only matches).</summary>
    public bool IsEmpty => _parts.Length == 0;

    public static bool TryParse(string text, RuleReplyKind kind, [NotNullWhen(true)] out ReplyTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var maxGroup = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i++;
                continue;
            }

            if (c == '}')
            {
                error = $"A lone '}}' at position {i} (write '}}}}' for a literal brace).";
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = $"The macro at position {i} has no closing '}}' (write '{{{{' for a literal brace).";
                return false;
            }

            var name = text[(i + 1)..end];
            Part macro;
            if (name.Length is > 0 and <= 2 && name.All(char.IsAsciiDigit))
            {
                var group = int.Parse(name, CultureInfo.InvariantCulture);
                maxGroup = Math.Max(maxGroup, group);
                macro = new Part(null, MacroKind.Group, group);
            }
            else
            {
                macro = name switch
                {
                    "device" => new Part(null, MacroKind.Device, 0),
                    "counter" => new Part(null, MacroKind.Counter, 0),
                    "time" => new Part(null, MacroKind.Time, 0),
                    _ => default,
                };
                if (macro.Kind == MacroKind.None)
                {
                    error = $"Unknown macro '{{{name}}}': use {{0}}..{{99}}, {{device}}, {{counter}} or {{time}}.";
                    return false;
                }
            }

            if (!TryFlush(literal, kind, parts, out error))
            {
                return false;
            }

            parts.Add(macro);
            i = end;
        }

        if (!TryFlush(literal, kind, parts, out error))
        {
            return false;
        }

        template = new ReplyTemplate([.. parts], maxGroup);
        return true;
    }

    /// <summary>Writes the reply into <paramref name="destination"/>; returns its length, or -1 when it does not fit.</summary>
    public int Render(Span<byte> destination, Match? match, string? deviceId, long counter, DateTime utcNow)
    {
        var written = 0;
        Span<byte> scratch = stackalloc byte[32];
        foreach (var part in _parts)
        {
            int length;
            switch (part.Kind)
            {
                case MacroKind.None:
                    if (!part.Literal.AsSpan().TryCopyTo(destination[written..]))
                    {
                        return -1;
                    }

                    length = part.Literal!.Length;
                    break;
                case MacroKind.Group:
                    var value = match is not null && part.Group < match.Groups.Count && match.Groups[part.Group].Success
                        ? match.Groups[part.Group].ValueSpan
                        : [];
                    if (Encoding.UTF8.GetByteCount(value) > destination.Length - written)
                    {
                        return -1;
                    }

                    length = Encoding.UTF8.GetBytes(value, destination[written..]);
                    break;
                case MacroKind.Device:
                    var device = deviceId ?? string.Empty;
                    if (Encoding.UTF8.GetByteCount(device) > destination.Length - written)
                    {
                        return -1;
                    }

                    length = Encoding.UTF8.GetBytes(device, destination[written..]);
                    break;
                case MacroKind.Counter:
                    if (!counter.TryFormat(destination[written..], out length, default, CultureInfo.InvariantCulture))
                    {
                        return -1;
                    }

                    break;
                default:
                    utcNow.TryFormat(scratch, out length, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);
                    if (!scratch[..length].TryCopyTo(destination[written..]))
                    {
                        return -1;
                    }

                    break;
            }

            written += length;
        }

        return written;
    }

    private static bool TryFlush(StringBuilder literal, RuleReplyKind kind, List<Part> parts, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (literal.Length == 0)
        {
            return true;
        }

        var text = literal.ToString();
        literal.Clear();
        byte[] bytes;
        if (kind == RuleReplyKind.Text)
        {
            bytes = Encoding.UTF8.GetBytes(text);
        }
        else
        {
            var compact = text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
            if (compact.Length == 0)
            {
                return true;
            }

            try
            {
                bytes = Convert.FromHexString(compact);
            }
            catch (FormatException)
            {
                error = $"'{text.Trim()}' is not hex byte pairs.";
                return false;
            }
        }

        parts.Add(new Part(bytes, MacroKind.None, 0));
        return true;
    }

    private enum MacroKind
    {
        None,
        Group,
        Device,
        Counter,
        Time,
    }

    private readonly record struct Part(byte[]? Literal, MacroKind Kind, int Group);
}
