using System.Diagnostics.CodeAnalysis;

namespace KestrelTcp.Server.Automation.Rules;

/// <summary>
/// A hex pattern such as <c>AA ?? 01 *</c>: byte pairs (spaces optional), <c>??</c> for any one byte, and
/// an optional trailing <c>*</c> for any rest (none included). Without <c>*</c> the frame's length must be
/// the pattern's. Matching compares bytes under a mask and allocates nothing.
/// </summary>
internal sealed class HexPattern
{
    private readonly byte[] _values;
    private readonly byte[] _mask;
    private readonly bool _anyRest;

    private HexPattern(byte[] values, byte[] mask, bool anyRest)
    {
        _values = values;
        _mask = mask;
        _anyRest = anyRest;
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out HexPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        var values = new List<byte>();
        var mask = new List<byte>();
        var anyRest = false;
        var compact = text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        for (var i = 0; i < compact.Length;)
        {
            if (compact[i] == '*')
            {
                if (i != compact.Length - 1)
                {
                    error = $"'*' may only end a hex pattern (at position {i}).";
                    return false;
                }

                anyRest = true;
                break;
            }

            if (i + 1 >= compact.Length)
            {
                error = $"The hex pattern has an odd number of digits (a lone '{compact[i]}' at the end).";
                return false;
            }

            if (compact[i] == '?' && compact[i + 1] == '?')
            {
                values.Add(0);
                mask.Add(0);
            }
            else if (Uri.IsHexDigit(compact[i]) && Uri.IsHexDigit(compact[i + 1]))
            {
                values.Add(Convert.ToByte(compact.Substring(i, 2), 16));
                mask.Add(0xFF);
            }
            else
            {
                error = $"'{compact.Substring(i, 2)}' is not a hex byte or '??'.";
                return false;
            }

            i += 2;
        }

        if (values.Count == 0 && !anyRest)
        {
            error = "The hex pattern is empty.";
            return false;
        }

        pattern = new HexPattern([.. values], [.. mask], anyRest);
        error = null;
        return true;
    }

    public bool IsMatch(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < _values.Length || (!_anyRest && payload.Length != _values.Length))
        {
            return false;
        }

        var values = _values;
        var mask = _mask;
        for (var i = 0; i < values.Length; i++)
        {
            if ((payload[i] & mask[i]) != values[i])
            {
                return false;
            }
        }

        return true;
    }
}
