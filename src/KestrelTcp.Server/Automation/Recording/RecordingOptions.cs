namespace KestrelTcp.Server.Automation.Recording;

/// <summary>Session recordings, under <c>KestrelTcp:Recording</c>; files go to <c>DataPath/recordings/</c>.</summary>
public sealed class RecordingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Recording";

    /// <summary>Most bytes one recording file may hold (default 16 MiB): a recording that reaches it stops,
    /// with the reason in its footer. Between 4 KiB and 1 GiB.</summary>
    public long MaxBytesPerRecording { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most bytes all recording files together may hold (default 256 MiB): a new recording is
    /// refused when they are at it, and one running stops when it would pass it. At least MaxBytesPerRecording.</summary>
    public long MaxTotalBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most recording files kept (default 100); a new recording is refused past it. Between 1 and 10,000.</summary>
    public int MaxRecordings { get; set; } = 100;

    /// <summary>Most recordings running at once (default 16). Between 1 and 1,000.</summary>
    public int MaxActive { get; set; } = 16;

    /// <summary>Most frames waiting to be written per recording (default 4,096): when the writer falls behind,
    /// frames past it are dropped and counted (in the footer), never waited for. Between 16 and 1,000,000.</summary>
    public int QueueFrames { get; set; } = 4096;

    /// <summary>Most bytes of one frame kept (default 64 KiB; longer payloads are cut and marked). Between 16 and 16 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;
}
