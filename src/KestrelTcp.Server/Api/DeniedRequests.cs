using System.Text.Json;
using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Api;

/// <summary>
/// Reads what a command request refused by authorization asked for (targets, payload, reason), so its
/// Denied audit record is as complete as an allowed one. Best effort: a body that is too large or not
/// valid JSON leaves those parts empty.
/// </summary>
internal static class DeniedRequests
{
    /// <summary>Largest body read for the record; a command body is normally far smaller.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    public static async Task<AuditTarget> DescribeSendOneAsync(HttpContext http)
    {
        var request = await ReadBodyAsync(http).ConfigureAwait(false);
        return new AuditTarget(null, [RouteValue(http, "id")], Payload(request), null);
    }

    public static async Task<AuditTarget> DescribeSendManyAsync(HttpContext http)
    {
        var request = await ReadBodyAsync(http).ConfigureAwait(false);
        return new AuditTarget(null, request?.SessionIds, Payload(request), null);
    }

    public static async Task<AuditTarget> DescribeBroadcastAsync(HttpContext http)
    {
        var request = await ReadBodyAsync(http).ConfigureAwait(false);
        return new AuditTarget(RouteValue(http, "name"), null, Payload(request), null);
    }

    public static Task<AuditTarget> DescribeKickAsync(HttpContext http)
    {
        var reason = http.Request.Query["reason"].ToString();
        return Task.FromResult(new AuditTarget(null, [RouteValue(http, "id")], null, string.IsNullOrWhiteSpace(reason) ? null : $"Reason given: {reason}"));
    }

    private static string RouteValue(HttpContext http, string name) => http.Request.RouteValues[name]?.ToString() ?? string.Empty;

    private static byte[]? Payload(SendRequest? request) =>
        request is not null && PayloadDecoder.TryDecode(request.Text, request.Hex, request.Base64, out var payload, out _) ? payload : null;

    private static async Task<SendRequest?> ReadBodyAsync(HttpContext http)
    {
        if (!http.Request.HasJsonContentType() || http.Request.ContentLength is > MaxBodyBytes)
        {
            return null;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var buffer = new MemoryStream();
            await using (buffer.ConfigureAwait(false))
            {
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await http.Request.Body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxBodyBytes)
                    {
                        return null;
                    }

                    buffer.Write(chunk, 0, read);
                }

                return JsonSerializer.Deserialize<SendRequest>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), JsonSerializerOptions.Web);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or OperationCanceledException or BadHttpRequestException)
        {
            return null;
        }
    }
}
