namespace KestrelTcp.Server.Hosting;

/// <summary>Per-session frame history, configured under <c>KestrelTcp:History</c>. Each session keeps
/// its recent frames in a ring of bytes bounded by <see cref="MaxBytesPerSession"/>, and all sessions
/// together stay inside <see cref="MaxTotalBytes"/>.</summary>
public sealed class HistoryOptions
{
    /// <summary>The default of <see cref="MaxBytesPerSession"/>: 16 KiB.</summary>
    public const int DefaultMaxBytesPerSession = 16 * 1024;

    /// <summary>The default of <see cref="MaxTotalBytes"/>: 128 MiB.</summary>
    public const long DefaultMaxTotalBytes = 128L * 1024 * 1024;

    /// <summary>Frames kept per session (received and sent), at most. Default 200: a screenful of context
    /// for the dashboard and the API; zero turns history off.</summary>
    public int Frames { get; set; } = 200;

    /// <summary>Bytes of each frame kept as a preview, at most. Default 4 KiB: whole for typical device
    /// messages, bounded for large ones. A preview is also cut to what fits in <see cref="MaxBytesPerSession"/>.</summary>
    public int PreviewBytes { get; set; } = 4096;

    /// <summary>Bytes one session's history holds at most: its previews plus 16 bytes per frame, in one
    /// buffer that grows on demand (an idle session has none) and is then reused; the oldest frames are
    /// evicted to make room. Default 16 KiB: the 200 frames of <see cref="Frames"/> when they are about
    /// 60 bytes (typical device telemetry and command lines), or the last three frames of a full 4 KiB
    /// preview; 19,000 busy sessions then want 297 MiB, which <see cref="MaxTotalBytes"/> caps. Zero
    /// turns history off.</summary>
    public int MaxBytesPerSession { get; set; } = DefaultMaxBytesPerSession;

    /// <summary>Bytes all sessions' histories hold together, at most. Default 128 MiB: 8,192 sessions at
    /// their full <see cref="MaxBytesPerSession"/>, and the history's whole share of a 512 MiB container
    /// however many sessions are busy. When it is spent a history stops growing: it keeps the buffer it
    /// has (none for a session that had sent nothing yet) and evicts within it; a closed session gives its
    /// bytes back. Refusals are logged (at most every 30 s) and counted in <c>/api/server</c>.</summary>
    public long MaxTotalBytes { get; set; } = DefaultMaxTotalBytes;
}
