namespace KestrelTcp.Server.Hosting;

/// <summary>Per-session frame history, configured under <c>KestrelTcp:History</c>.</summary>
public sealed class HistoryOptions
{
    /// <summary>Frames kept per session (received and sent). Default 200: a screenful of context for
    /// the dashboard and the API without holding much memory; zero turns history off.</summary>
    public int Frames { get; set; } = 200;

    /// <summary>Bytes of each frame kept as a preview. Default 4 KiB: whole for typical device
    /// messages, bounded for large ones.</summary>
    public int PreviewBytes { get; set; } = 4096;
}
