using System.Globalization;

namespace KestrelTcp.Cli.Arguments;

/// <summary>A <c>HOST:PORT</c> argument: <c>localhost:9000</c>, <c>10.0.0.5:9000</c> or <c>[::1]:9000</c>.</summary>
internal readonly record struct HostPort(string Host, int Port)
{
    public static HostPort Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new UsageException($"Expected HOST:PORT, like localhost:9000 or [::1]:9000 (was '{text}').");
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new UsageException($"Put an IPv6 address in brackets, like [::1]:9000 (was '{text}').");
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new UsageException($"The port must be a number from 1 to 65535 (was '{text[(colon + 1)..]}').");
        }

        if (string.IsNullOrWhiteSpace(host))
        {
            throw new UsageException($"Expected HOST:PORT with a host name or address (was '{text}').");
        }

        return new HostPort(host, port);
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
