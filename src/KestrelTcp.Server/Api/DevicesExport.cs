using System.Globalization;
using System.Text;
using System.Text.Json;
using KestrelTcp.Server.Devices;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Api;

/// <summary>
/// <c>GET /api/devices/export?format=csv|json</c>: the whole registry, streamed row by row from the
/// database to the response (nothing is collected in memory first). CSV cells that a spreadsheet would
/// run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return) get a
/// leading <c>'</c>; device ids, aliases and notes are untrusted text.
/// </summary>
internal static class DevicesExport
{
    /// <summary>Rows written between flushes.</summary>
    private const int FlushEvery = 256;

    private static readonly string[] Header = ["id", "listener", "alias", "tags", "notes", "firstSeenAt", "lastSeenAt", "lastRemoteEndPoint", "sessionCount", "online", "sessionId", "node"];

    public static async Task<IResult> ExportAsync(HttpContext http, DeviceRegistry registry, IOptions<JsonOptions> json, string? format = "csv")
    {
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiResults.BadRequest($"format must be csv or json (was '{format}').");
        }

        var response = http.Response;
        response.ContentType = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"devices.{(csv ? "csv" : "json")}\"";
        var cancellationToken = http.RequestAborted;
        if (csv)
        {
            await WriteCsvAsync(response.BodyWriter.AsStream(), registry, cancellationToken);
        }
        else
        {
            await WriteJsonAsync(response.BodyWriter.AsStream(), registry, json.Value.SerializerOptions, cancellationToken);
        }

        return Results.Empty;
    }

    private static async Task WriteCsvAsync(Stream body, DeviceRegistry registry, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', Header));
        var rows = 0;
        await foreach (var d in registry.Store.ExportAsync(cancellationToken))
        {
            string?[] cells =
            [
                d.Id, d.Listener, d.Alias, string.Join(' ', d.Tags), d.Notes,
                d.FirstSeenAt.ToString("O", CultureInfo.InvariantCulture), d.LastSeenAt.ToString("O", CultureInfo.InvariantCulture),
                d.LastRemoteEndPoint, d.SessionCount.ToString(CultureInfo.InvariantCulture), d.Online ? "true" : "false", d.SessionId, d.Node,
            ];
            await writer.WriteLineAsync(string.Join(',', cells.Select(Cell)));
            if (++rows % FlushEvery == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static async Task WriteJsonAsync(Stream body, DeviceRegistry registry, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        var rows = 0;
        await foreach (var device in registry.Store.ExportAsync(cancellationToken))
        {
            JsonSerializer.Serialize(writer, device, options);
            if (++rows % FlushEvery == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One CSV cell: formula-looking text defused with a leading <c>'</c>, then quoted when it has to be.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
