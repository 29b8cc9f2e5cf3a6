namespace KestrelTcp.Server.Admission;

/// <summary>
/// Per-address admission control of one listener, under <c>KestrelTcp:Listeners:{name}:Admission</c>.
/// Everything is off by default: devices behind one NAT or carrier-grade NAT share an address, so a
/// per-address cap that suits one site would refuse another's fleet; operators opt in per listener.
/// </summary>
public sealed class ListenerAdmissionOptions
{
    /// <summary>Default <see cref="MaxTrackedAddresses"/>: 20,000, twice the default listener limit,
    /// so the table (about 100 bytes an entry, 2 MB in all) is bounded whatever the number of attacking addresses.</summary>
    public const int DefaultMaxTrackedAddresses = 20_000;

    /// <summary>Most concurrent connections from one address; further ones are refused (<c>Refused</c>,
    /// per-address limit). Default 0 = off.</summary>
    public int MaxConnectionsPerAddress { get; set; }

    /// <summary>Most new connections one address may open per second (a fixed one-second window);
    /// further ones are refused (<c>Refused</c>, rate). Default 0 = off.</summary>
    public int MaxNewConnectionsPerSecondPerAddress { get; set; }

    /// <summary>CIDR ranges (IPv4 or IPv6, e.g. <c>10.0.0.0/8</c>, <c>fd00::/8</c>, or a single address) that may
    /// connect; when not empty, every other address is refused. Default empty = everyone.</summary>
    public string[] Allow { get; set; } = [];

    /// <summary>CIDR ranges that are refused, checked before <see cref="Allow"/>. Default empty.</summary>
    public string[] Deny { get; set; } = [];

    /// <summary>Temporary ban after repeated protocol violations. Default off.</summary>
    public AdmissionBanOptions Ban { get; set; } = new();

    /// <summary>Most addresses whose counters are kept; when full, the address idle the longest is forgotten.
    /// Default <see cref="DefaultMaxTrackedAddresses"/>.</summary>
    public int MaxTrackedAddresses { get; set; } = DefaultMaxTrackedAddresses;

    /// <summary>Whether any per-address state must be tracked.</summary>
    internal bool TracksAddresses => MaxConnectionsPerAddress > 0 || MaxNewConnectionsPerSecondPerAddress > 0 || Ban.Violations > 0;
}
