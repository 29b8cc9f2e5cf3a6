namespace KestrelTcp.Server.Devices;

/// <summary>
/// Bounds of the messages waiting for offline devices, under <c>KestrelTcp:Devices:Pending</c>. They are
/// kept in the registry's database, so they survive a restart, and delivered in order right after the
/// device next identifies. A message that would break a bound is refused (409) with the bound named.
/// </summary>
public sealed class PendingOptions
{
    /// <summary>Default <see cref="MaxPerDevice"/>: 100.</summary>
    public const int DefaultMaxPerDevice = 100;

    /// <summary>Default <see cref="MaxBytesPerDevice"/>: 64 KiB.</summary>
    public const int DefaultMaxBytesPerDevice = 64 * 1024;

    /// <summary>Default <see cref="MaxTotalBytes"/>: 16 MiB.</summary>
    public const long DefaultMaxTotalBytes = 16L * 1024 * 1024;

    /// <summary>Default <see cref="Expiry"/>: one hour.</summary>
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromHours(1);

    /// <summary>Most messages waiting for one device (1 to 10,000, default 100).</summary>
    public int MaxPerDevice { get; set; } = DefaultMaxPerDevice;

    /// <summary>Most payload bytes waiting for one device (1 to 16 MiB, default 64 KiB: a hundred small commands).</summary>
    public int MaxBytesPerDevice { get; set; } = DefaultMaxBytesPerDevice;

    /// <summary>Most payload bytes waiting for all devices together (1 KiB to 1 GiB, default 16 MiB).</summary>
    public long MaxTotalBytes { get; set; } = DefaultMaxTotalBytes;

    /// <summary>How long a message waits at most (1 s to 30 days, default 1 h); an older one is dropped, not delivered.</summary>
    public TimeSpan Expiry { get; set; } = DefaultExpiry;
}
