using System.Text;

namespace KestrelTcp.Cli;

/// <summary>How payloads are typed and shown: UTF-8 text by default, hex with <c>--hex</c>.</summary>
internal static class PayloadFormat
{
    /// <summary>The bytes of <paramref name="text"/>: UTF-8, or hex digits (spaces, <c>:</c>, <c>-</c> and <c>0x</c> allowed) when <paramref name="hex"/>.</summary>
    /// <exception cref="FormatException">Not valid hex.</exception>
    public static byte[] Encode(string text, bool hex)
    {
        if (!hex)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var compact = new StringBuilder(text.Length);
        foreach (var part in text.Split([' ', '\t', ':', '-', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            compact.Append(part.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? part[2..] : part);
        }

        try
        {
            return Convert.FromHexString(compact.ToString());
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is not hex: use pairs of hex digits, like '48 65 6C 6C 6F' or 48656C6C6F.");
        }
    }

    /// <summary>
    /// A frame for the terminal: spaced hex when <paramref name="hex"/>; otherwise UTF-8 with control
    /// characters escaped (<c>\r</c>, <c>\t</c>, <c>\x1B</c>), so device data cannot move the cursor or
    /// change the terminal.
    /// </summary>
    public static string Format(ReadOnlySpan<byte> frame, bool hex)
    {
        if (hex)
        {
            var spaced = new StringBuilder(frame.Length * 3);
            foreach (var b in frame)
            {
                if (spaced.Length > 0)
                {
                    spaced.Append(' ');
                }

                spaced.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            return spaced.ToString();
        }

        var text = Encoding.UTF8.GetString(frame);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="frame"/> contains <paramref name="expected"/>, byte for byte.</summary>
    public static bool Contains(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> expected) => frame.IndexOf(expected) >= 0;
}
