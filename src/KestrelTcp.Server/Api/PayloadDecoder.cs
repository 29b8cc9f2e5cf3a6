using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace KestrelTcp.Server.Api;

/// <summary>Turns the text, hex or base64 form of a payload into bytes, or says what is wrong with it.</summary>
internal static class PayloadDecoder
{
    public static bool TryDecode(string? text, string? hex, string? base64, [NotNullWhen(true)] out byte[]? payload, [NotNullWhen(false)] out string? error)
    {
        payload = null;
        var given = (text is null ? 0 : 1) + (hex is null ? 0 : 1) + (base64 is null ? 0 : 1);
        if (given != 1)
        {
            error = "Give the payload as exactly one of 'text', 'hex' or 'base64'.";
            return false;
        }

        if (text is not null)
        {
            payload = Encoding.UTF8.GetBytes(text);
        }
        else if (hex is not null)
        {
            var digits = new StringBuilder(hex.Length);
            foreach (var c in hex)
            {
                if (c is not (' ' or '-' or ':' or '\t' or '\r' or '\n'))
                {
                    digits.Append(c);
                }
            }

            if (digits.Length % 2 != 0)
            {
                error = $"'hex' must have an even number of hexadecimal digits (got {digits.Length}).";
                return false;
            }

            try
            {
                payload = Convert.FromHexString(digits.ToString());
            }
            catch (FormatException)
            {
                error = "'hex' must contain only hexadecimal digits (0-9, a-f), optionally separated by spaces, '-' or ':'.";
                return false;
            }
        }
        else
        {
            try
            {
                payload = Convert.FromBase64String(base64!);
            }
            catch (FormatException)
            {
                error = "'base64' is not valid base64.";
                return false;
            }
        }

        if (payload.Length == 0)
        {
            payload = null;
            error = "The payload is empty.";
            return false;
        }

        error = null;
        return true;
    }
}
