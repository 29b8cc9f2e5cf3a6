namespace KestrelTcp.Server.Admission;

/// <summary>Checks one listener's <see cref="ListenerAdmissionOptions"/>; each message names the full key.</summary>
internal static class AdmissionOptionsValidator
{
    public static IEnumerable<string> Validate(string path, ListenerAdmissionOptions? options, int maxConnections)
    {
        if (options is null)
        {
            yield break;
        }

        if (options.MaxConnectionsPerAddress < 0)
        {
            yield return $"{path}:MaxConnectionsPerAddress must be 0 (off) or positive (was {options.MaxConnectionsPerAddress}).";
        }

        if (options.MaxNewConnectionsPerSecondPerAddress < 0)
        {
            yield return $"{path}:MaxNewConnectionsPerSecondPerAddress must be 0 (off) or positive (was {options.MaxNewConnectionsPerSecondPerAddress}).";
        }

        if (options.MaxTrackedAddresses < maxConnections || options.MaxTrackedAddresses > 10_000_000)
        {
            yield return $"{path}:MaxTrackedAddresses must be at least the listener's MaxConnections ({maxConnections}) and at most 10000000 (was {options.MaxTrackedAddresses}).";
        }

        foreach (var (key, ranges) in new[] { ("Allow", options.Allow), ("Deny", options.Deny) })
        {
            for (var i = 0; i < (ranges?.Length ?? 0); i++)
            {
                if (!CidrRange.TryParse(ranges![i], out _))
                {
                    yield return $"{path}:{key}:{i} must be an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8 or fd00::/8 (was '{ranges[i]}').";
                }
            }
        }

        var ban = options.Ban;
        if (ban is null)
        {
            yield break;
        }

        if (ban.Violations < 0)
        {
            yield return $"{path}:Ban:Violations must be 0 (off) or positive (was {ban.Violations}).";
        }

        if (ban.Violations > 0 && (ban.Window <= TimeSpan.Zero || ban.Duration <= TimeSpan.Zero || ban.Duration > TimeSpan.FromDays(1)))
        {
            yield return $"{path}:Ban:Window must be positive and {path}:Ban:Duration positive and at most one day (were {ban.Window} and {ban.Duration}).";
        }
    }
}
