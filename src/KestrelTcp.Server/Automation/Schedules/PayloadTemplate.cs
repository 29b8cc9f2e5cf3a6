using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>
/// A schedule's payload with its macros filled in at run time. In text, <c>{counter}</c> is the run's
/// counter in decimal and <c>{time}</c> the run's time in ISO 8601 UTC (<c>2026-12-03T02:00:00Z</c>). In
/// hex, <c>{counter}</c> is the counter as 4 bytes big-endian (its low 32 bits) and <c>{time}</c> the Unix
/// seconds as 4 bytes big-endian; whitespace between hex digits is allowed.
/// </summary>
internal static class PayloadTemplate
{
    public const string Counter = "{counter}";
    public const string Time = "{time}";

    /// <summary>The bytes to send, or null with <paramref name="error"/> when the hex is not hex.</summary>
    public static byte[]? Expand(string? text, string? hex, long counter, DateTimeOffset time, out string? error)
    {
        error = null;
        if (text is not null)
        {
            var expanded = text
                .Replace(Counter, counter.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace(Time, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), StringComparison.Ordinal);
            return Encoding.UTF8.GetBytes(expanded);
        }

        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, unchecked((uint)counter));
        var counterHex = Convert.ToHexString(word);
        BinaryPrimitives.WriteUInt32BigEndian(word, unchecked((uint)time.ToUnixTimeSeconds()));
        var timeHex = Convert.ToHexString(word);
        var digits = new StringBuilder((hex ?? string.Empty)
            .Replace(Counter, counterHex, StringComparison.OrdinalIgnoreCase)
            .Replace(Time, timeHex, StringComparison.OrdinalIgnoreCase));
        digits.Replace(" ", string.Empty).Replace("\t", string.Empty).Replace("\r", string.Empty).Replace("\n", string.Empty);
        try
        {
            return Convert.FromHexString(digits.ToString());
        }
        catch (FormatException)
        {
            error = "hex must be pairs of hex digits (with optional {counter} and {time} macros).";
            return null;
        }
    }
}
