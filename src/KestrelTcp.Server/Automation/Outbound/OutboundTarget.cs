using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>A parsed <c>host:port</c> (or <c>[IPv6]:port</c>) to dial.</summary>
internal sealed record OutboundTarget(string Host, int Port)
{
    /// <summary>Longest target text accepted (a DNS name is at most 253 characters).</summary>
    public const int MaxLength = 300;

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out OutboundTarget? target)
    {
        target = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return false;
        }

        text = text.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out _))
            {
                return false;
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal) || (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns))
        {
            return false;
        }

        target = new OutboundTarget(host, port);
        return true;
    }
}
