namespace KestrelTcp.Server.Admission;

/// <summary>
/// Bans an address for <see cref="Duration"/> after <see cref="Violations"/> sessions from it closed with
/// FrameTooLarge or InvalidFrame within <see cref="Window"/>, under <c>KestrelTcp:Listeners:{name}:Admission:Ban</c>.
/// </summary>
public sealed class AdmissionBanOptions
{
    /// <summary>Protocol violations that ban the address. Default 0 = off.</summary>
    public int Violations { get; set; }

    /// <summary>The window the violations are counted in (a fixed window from the first). Default 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a banned address is refused. Default 5 minutes.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
