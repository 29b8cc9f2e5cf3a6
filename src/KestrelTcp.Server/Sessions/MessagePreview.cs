using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// A frame's start as one short line that is safe to show anywhere (a table cell, a log, JSON): text when
/// the bytes are UTF-8 text, with line breaks and tabs escaped and invisible formatting characters
/// (bidirectional overrides and the like) written as <c>\uXXXX</c>; otherwise <c>0x</c> and hexadecimal.
/// A frame longer than what is shown ends in an ellipsis.
/// </summary>
internal static class MessagePreview
{
    /// <summary>Bytes of a frame looked at, at most.</summary>
    public const int MaxBytes = 64;

    /// <summary>Bytes shown in hexadecimal for a binary frame, at most.</summary>
    public const int MaxHexBytes = 24;

    private const string Ellipsis = "…";

    /// <summary>The preview of a frame of <paramref name="length"/> bytes that starts with <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes, int length)
    {
        bytes = bytes[..Math.Min(bytes.Length, MaxBytes)];
        Span<char> chars = stackalloc char[MaxBytes];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: bytes.Length == length);
        if (status is OperationStatus.Done or OperationStatus.NeedMoreData && TryText(chars[..written], read < length, out var text))
        {
            return text;
        }

        var shown = bytes[..Math.Min(bytes.Length, MaxHexBytes)];
        return "0x" + Convert.ToHexString(shown) + (shown.Length < length ? Ellipsis : string.Empty);
    }

    private static bool TryText(ReadOnlySpan<char> chars, bool truncated, out string text)
    {
        var builder = new StringBuilder(chars.Length + 8);
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            switch (c)
            {
                case '\r':
                    builder.Append("\\r");
                    continue;
                case '\n':
                    builder.Append("\\n");
                    continue;
                case '\t':
                    builder.Append("\\t");
                    continue;
                case '\\':
                    builder.Append("\\\\");
                    continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                builder.Append(c).Append(chars[++i]);
                continue;
            }

            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Control:
                    // NUL, ESC, DEL and the rest: a binary frame, not text.
                    text = string.Empty;
                    return false;
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    continue;
                default:
                    builder.Append(c);
                    continue;
            }
        }

        if (truncated)
        {
            builder.Append(Ellipsis);
        }

        text = builder.ToString();
        return true;
    }
}
