using System.Text;
using System.Text.Json;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Api;

/// <summary><c>GET /api/sessions/export</c>: the session list (same filters and sort as <c>GET /api/sessions</c>,
/// without paging) as CSV or JSON, written to the response a session at a time.</summary>
internal static class SessionsExportApi
{
    /// <summary>Bytes written ahead before the response is flushed (and the client's pace waited for).</summary>
    internal const int FlushBytes = 16 * 1024;

    public static RouteGroupBuilder MapSessionsExportApi(this RouteGroupBuilder api)
    {
        api.MapGet("/sessions/export", Export).WithTags("Sessions").WithName("ExportSessions")
            .WithSummary("Live sessions (filtered and sorted as GET /api/sessions) as CSV or JSON, streamed.")
            .Produces(StatusCodes.Status200OK, contentType: SessionsExportCsv.ContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task<IResult> Export(
        HttpContext http,
        SessionRegistry registry,
        ListenerCatalog listeners,
        IClusterView cluster,
        IOptions<JsonOptions> jsonOptions,
        string? format = null,
        string? listener = null,
        string? node = null,
        string? q = null,
        string? sort = null)
    {
        if (!SessionsExportCsv.TryParseFormat(format, out var json))
        {
            return ApiResults.BadRequest($"format must be csv or json (was '{format}').");
        }

        if (SessionsApi.Select(registry, listeners, cluster, listener, node, q, sort, out var sessions) is { } problem)
        {
            return problem;
        }

        var cancellationToken = http.RequestAborted;
        SessionsExportCsv.Begin(http.Response, "sessions", json);
        if (json)
        {
            var body = http.Response.BodyWriter;
            await using var writer = new Utf8JsonWriter(body);
            writer.WriteStartArray();
            long flushed = 0;
            foreach (var session in sessions)
            {
                // The serializer commits each item to the pipe itself: flush the pipe every FlushBytes
                // committed, so the response waits for the client instead of piling up in memory.
                JsonSerializer.Serialize(writer, session, jsonOptions.Value.SerializerOptions);
                if (writer.BytesCommitted + writer.BytesPending - flushed >= FlushBytes)
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

        await using var text = new StreamWriter(http.Response.Body, new UTF8Encoding(false), FlushBytes, leaveOpen: true);
        await text.WriteAsync("id,node,listener,deviceId,remoteEndPoint,localEndPoint,connectedAt,lastReceivedAt,lastSentAt,bytesIn,bytesOut,framesIn,framesOut,queuedBytes,encrypted\r\n".AsMemory(), cancellationToken);
        var line = new StringBuilder(256);
        foreach (var s in sessions)
        {
            line.Clear()
                .Cell(s.Id, first: true).Cell(s.Node).Cell(s.Listener).Cell(s.DeviceId).Cell(s.RemoteEndPoint).Cell(s.LocalEndPoint)
                .Cell(s.ConnectedAt).Cell(s.LastReceivedAt).Cell(s.LastSentAt)
                .Cell(s.BytesIn).Cell(s.BytesOut).Cell(s.FramesIn).Cell(s.FramesOut).Cell(s.QueuedBytes)
                .Cell(s.Encrypted ? "true" : "false")
                .Append("\r\n");
            await text.WriteAsync(line, cancellationToken);
        }

        return Results.Empty;
    }
}
