using System.Security.Cryptography;
using System.Text;

namespace KestrelTcp.Server.Automation.Webhooks;

/// <summary>The headers of a delivery: <c>X-KestrelTcp-Signature: sha256=&lt;hex&gt;</c> is the lower-case hex
/// HMAC-SHA256 of the exact body bytes keyed with the endpoint's secret (UTF-8).</summary>
internal static class WebhookSignature
{
    public const string SignatureHeader = "X-KestrelTcp-Signature";
    public const string EventIdHeader = "X-KestrelTcp-Event-Id";
    public const string EventTypeHeader = "X-KestrelTcp-Event";
    public const string TimestampHeader = "X-KestrelTcp-Timestamp";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
