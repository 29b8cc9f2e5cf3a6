using System.Globalization;
using System.Text;
using System.Text.Json;
using KestrelTcp.Server.Devices.History;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Api;

/// <summary>
/// <c>GET /api/devices/{id}/messages</c> (a device's durable history, newest first, across all its
/// sessions, paged by row id) and <c>GET /api/devices/{id}/messages/export</c> (all of it that matches, as
/// CSV or JSON, written to the response a row at a time as the database reader yields it).
/// </summary>
internal static class DeviceMessagesApi
{
    /// <summary>Default <c>limit</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest <c>limit</c>: bounds one page at 1,000 × (4 KiB as text and as hex).</summary>
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapDeviceMessagesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/devices/{id}/messages", Messages).WithTags("Devices").WithName("GetDeviceMessages")
            .WithSummary("A device's durable history, newest first, across every session it had; page with before = the last id.");
        api.MapGet("/devices/{id}/messages/export", Export).WithTags("Devices").WithName("ExportDeviceMessages")
            .WithSummary("A device's durable history (same filters) as CSV or JSON, streamed newest first.")
            .Produces(StatusCodes.Status200OK, contentType: SessionsExportCsv.ContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    private static Results<Ok<DeviceMessagePage>, ProblemHttpResult> Messages(
        string id,
        HistoryReader history,
        string? from = null,
        string? to = null,
        string? q = null,
        string? direction = null,
        string? limit = null,
        string? before = null,
        CancellationToken cancellationToken = default)
    {
        if (!history.Enabled)
        {
            return Off();
        }

        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        {
            return ApiResults.BadRequest($"limit must be a whole number from 1 to {MaxLimit} (was '{limit}').");
        }

        if (TryParseQuery(id, from, to, q, direction, before, take, out var query) is { } problem)
        {
            return problem;
        }

        var items = history.Read(query, cancellationToken).Select(DeviceMessageInfo.From).ToList();
        var next = items.Count == take ? items[^1].Id : (long?)null;
        return TypedResults.Ok(new DeviceMessagePage(items, next));
    }

    private static async Task<IResult> Export(
        string id,
        HttpContext http,
        HistoryReader history,
        IOptions<JsonOptions> jsonOptions,
        string? format = null,
        string? from = null,
        string? to = null,
        string? q = null,
        string? direction = null)
    {
        if (!history.Enabled)
        {
            return Off();
        }

        if (!SessionsExportCsv.TryParseFormat(format, out var json))
        {
            return ApiResults.BadRequest($"format must be csv or json (was '{format}').");
        }

        if (TryParseQuery(id, from, to, q, direction, before: null, limit: null, out var query) is { } problem)
        {
            return problem;
        }

        var cancellationToken = http.RequestAborted;
        SessionsExportCsv.Begin(http.Response, "device-messages", json);
        if (json)
        {
            var body = http.Response.BodyWriter;
            await using var writer = new Utf8JsonWriter(body);
            writer.WriteStartArray();
            long flushed = 0;
            foreach (var row in history.Read(query, cancellationToken))
            {
                // The serializer commits each item to the pipe itself: flush the pipe every FlushBytes
                // committed, so the response waits for the client instead of piling up in memory.
                JsonSerializer.Serialize(writer, DeviceMessageInfo.From(row), jsonOptions.Value.SerializerOptions);
                if (writer.BytesCommitted + writer.BytesPending - flushed >= SessionsExportApi.FlushBytes)
                {
                    await writer.FlushAsync(cancellationToken);
                    await body.FlushAsync(cancellationToken);
                    flushed = writer.BytesCommitted;
                }
            }

            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken);
            return Results.Empty;
        }

        await using var text = new StreamWriter(http.Response.Body, new UTF8Encoding(false), SessionsExportApi.FlushBytes, leaveOpen: true);
        await text.WriteAsync("id,at,sessionId,listener,direction,length,truncated,text,hex\r\n".AsMemory(), cancellationToken);
        var line = new StringBuilder(1024);
        foreach (var row in history.Read(query, cancellationToken))
        {
            line.Clear()
                .Append(row.Id.ToString(CultureInfo.InvariantCulture))
                .Cell(row.At).Cell(row.SessionId).Cell(row.Listener).Cell(row.Direction.ToString()).Cell(row.Length)
                .Cell(row.Truncated ? "true" : "false")
                .Cell(Encoding.UTF8.GetString(row.Payload))
                .Cell(Convert.ToHexString(row.Payload))
                .Append("\r\n");
            await text.WriteAsync(line, cancellationToken);
        }

        return Results.Empty;
    }

    /// <summary>Reads the filters common to a page and an export; a 400 naming the parameter when one is wrong.</summary>
    private static ProblemHttpResult? TryParseQuery(string id, string? from, string? to, string? q, string? direction, string? before, int? limit, out HistoryQuery query)
    {
        query = null!;
        if (!DeviceIdentifier.IsValidDeviceId(id))
        {
            return ApiResults.BadRequest($"id must be 1 to {IdentifyOptions.MaxDeviceIdLength} characters of text.");
        }

        if (!TryParseTime(from, out var fromMs))
        {
            return ApiResults.BadRequest($"from must be an ISO 8601 time (2026-12-03T10:00:00Z) or unix milliseconds (was '{from}').");
        }

        if (!TryParseTime(to, out var toMs))
        {
            return ApiResults.BadRequest($"to must be an ISO 8601 time (2026-12-03T10:00:00Z) or unix milliseconds (was '{to}').");
        }

        if (fromMs > toMs)
        {
            return ApiResults.BadRequest("from must not be later than to.");
        }

        if (q is { Length: > HistoryReader.MaxTextLength })
        {
            return ApiResults.BadRequest($"q must be at most {HistoryReader.MaxTextLength} characters (was {q.Length}).");
        }

        FrameDirection? way = null;
        if (direction is not null)
        {
            if (!Enum.TryParse<FrameDirection>(direction, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || direction.Any(char.IsDigit))
            {
                return ApiResults.BadRequest($"direction must be In or Out (was '{direction}').");
            }

            way = parsed;
        }

        long? cursor = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                return ApiResults.BadRequest($"before must be a message id, a whole number of 1 or more (was '{before}').");
            }

            cursor = value;
        }

        query = new HistoryQuery(id, fromMs, toMs, string.IsNullOrEmpty(q) ? null : q, way, cursor, limit);
        return null;
    }

    /// <summary>An absent time, an ISO 8601 time (a time without an offset is UTC) or unix milliseconds.</summary>
    internal static bool TryParseTime(string? value, out long? unixMs)
    {
        unixMs = null;
        if (value is null)
        {
            return true;
        }

        if (value.Length is > 0 and <= 19 && value.All(char.IsAsciiDigit) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            unixMs = ms;
            return true;
        }

        if (value.Length <= 64 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            unixMs = time.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }

    private static ProblemHttpResult Off() =>
        ApiResults.NotFound($"Device history is off: no listener identifies devices and {DeviceHistoryOptions.SectionName}:Enabled is not true.");
}
