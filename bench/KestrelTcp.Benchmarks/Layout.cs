namespace KestrelTcp.Benchmarks;

/// <summary>How the bytes given to a codec are laid out in memory.</summary>
public enum Layout
{
    /// <summary>One array: a whole read in one pipe segment.</summary>
    Contiguous,

    /// <summary>256-byte segments that frames straddle, as when a read spans pipe segments.</summary>
    Segmented,
}
