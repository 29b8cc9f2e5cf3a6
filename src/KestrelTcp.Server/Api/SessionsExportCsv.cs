using System.Globalization;
using System.Text;

namespace KestrelTcp.Server.Api;

/// <summary>
/// CSV for the exports (RFC 4180: comma-separated, CRLF lines, a cell with a comma, quote or line break
/// quoted and its quotes doubled), safe to open in a spreadsheet: a cell that starts with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, a tab or a carriage return (a formula, to Excel and its kin) gets a leading <c>'</c>,
/// so device data can never run as a formula on an operator's machine.
/// </summary>
internal static class SessionsExportCsv
{
    /// <summary>The content type of a CSV export.</summary>
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>Appends <paramref name="value"/> as one cell, after a comma unless <paramref name="first"/>.</summary>
    public static StringBuilder Cell(this StringBuilder line, string? value, bool first = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!first)
        {
            line.Append(',');
        }

        if (string.IsNullOrEmpty(value))
        {
            return line;
        }

        var guard = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = guard || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote)
        {
            return line.Append(value);
        }

        line.Append('"');
        if (guard)
        {
            line.Append('\'');
        }

        return line.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    /// <summary>Appends a number cell (never guarded: a negative number stays a number).</summary>
    public static StringBuilder Cell(this StringBuilder line, long value) =>
        line.Append(',').Append(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Appends a timestamp cell in ISO 8601 (UTC), empty when there is none.</summary>
    public static StringBuilder Cell(this StringBuilder line, DateTimeOffset? value) =>
        line.Append(',').Append(value?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Whether <paramref name="format"/> names an export format: <c>csv</c> (the default) or <c>json</c>.</summary>
    public static bool TryParseFormat(string? format, out bool json)
    {
        json = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
        return json || format is null || string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Starts an export's response: its content type and an attachment file name chosen by the server
    /// (never from request or device data).</summary>
    public static void Begin(HttpResponse response, string fileName, bool json)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = json ? "application/json; charset=utf-8" : ContentType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.{(json ? "json" : "csv")}\"";
        response.Headers.CacheControl = "no-store";
    }
}
