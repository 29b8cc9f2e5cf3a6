using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using KestrelTcp.Server.Admission;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>The parsed <c>KestrelTcp:Outbound:AllowedTargets</c>: the address ranges and ports the server may dial.</summary>
internal sealed class AllowedTargets
{
    private readonly List<(CidrRange Range, int From, int To)> _entries;

    private AllowedTargets(List<(CidrRange, int, int)> entries, string[] text)
    {
        _entries = entries;
        Text = text;
    }

    /// <summary>The entries as configured.</summary>
    public string[] Text { get; }

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Parses the entries, or names the first bad one in <paramref name="error"/>.</summary>
    public static bool TryParse(string[] entries, [NotNullWhen(true)] out AllowedTargets? targets, [NotNullWhen(false)] out string? error)
    {
        targets = null;
        error = null;
        var parsed = new List<(CidrRange, int, int)>();
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i]?.Trim() ?? "";
            if (!TryParseEntry(entry, out var range, out var from, out var to))
            {
                error = $"AllowedTargets:{i} ('{entry}') must be CIDR:ports, such as 127.0.0.0/8:1-65535, 10.1.0.0/16:502 or [::1/128]:9000.";
                return false;
            }

            parsed.Add((range, from, to));
        }

        targets = new AllowedTargets(parsed, entries);
        return true;
    }

    public bool Allows(IPAddress address, int port)
    {
        foreach (var (range, from, to) in _entries)
        {
            if (port >= from && port <= to && range.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParseEntry(string entry, [NotNullWhen(true)] out CidrRange? range, out int from, out int to)
    {
        range = null;
        from = to = 0;
        var colon = entry.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var cidr = entry[..colon];
        if (cidr.StartsWith('[') && cidr.EndsWith(']'))
        {
            cidr = cidr[1..^1];
        }

        var ports = entry[(colon + 1)..];
        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        var fromText = dash < 0 ? ports : ports[..dash];
        var toText = dash < 0 ? ports : ports[(dash + 1)..];
        return CidrRange.TryParse(cidr, out range)
            && int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out from)
            && int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out to)
            && from is >= 1 and <= 65535 && to >= from && to <= 65535;
    }
}
