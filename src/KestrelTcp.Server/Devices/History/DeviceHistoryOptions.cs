namespace KestrelTcp.Server.Devices.History;

/// <summary>
/// The durable history of identified devices, configured under <c>KestrelTcp:Devices:History</c>: every
/// frame of a session that is a device, both ways, kept in SQLite (<c>{DataPath}/history.db</c>) across
/// the device's sessions and the server's restarts, written by one background writer off the data path.
/// </summary>
public sealed class DeviceHistoryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Devices:History";

    /// <summary>Default <see cref="MaxFrameBytes"/>: 4 KiB.</summary>
    public const int DefaultMaxFrameBytes = 4096;

    /// <summary>Default <see cref="MaxQueuedFrames"/>: 65,536.</summary>
    public const int DefaultMaxQueuedFrames = 65_536;

    /// <summary>Default <see cref="MaxQueuedBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxQueuedBytes = 64L * 1024 * 1024;

    /// <summary>Default <see cref="MaxBytes"/>: 1 GiB.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>Whether frames of identified sessions are kept. Default (unset): on when any listener has
    /// <c>Identify</c>, off otherwise. True keeps the frames of sessions an operator names by hand too.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Bytes of each frame kept, at most (1 to 1 MiB). Default 4 KiB: whole for typical device
    /// messages; a longer frame is stored cut to this, with its real length.</summary>
    public int MaxFrameBytes { get; set; } = DefaultMaxFrameBytes;

    /// <summary>Frames waiting for the writer, at most (1 to 16,777,216). Default 65,536: about a second of a
    /// busy server's device traffic. When the writer falls behind, frames past it are dropped from history
    /// and counted (<c>historyFramesDropped</c> in <c>/api/server</c>); the device is never slowed.</summary>
    public int MaxQueuedFrames { get; set; } = DefaultMaxQueuedFrames;

    /// <summary>Bytes of frames waiting for the writer, at most (4 KiB to 4 GiB). Default 64 MiB: the
    /// queue's worst case in memory, whatever the frames' sizes.</summary>
    public long MaxQueuedBytes { get; set; } = DefaultMaxQueuedBytes;

    /// <summary>How long frames are kept (at least 1 second). Default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Bytes the database may use (at least 64 KiB): past it the oldest frames are deleted until it
    /// is under again, and their pages are reused. Default 1 GiB.</summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>How often retention runs (100 ms to 1 hour); it also runs as soon as a sixteenth of
    /// <see cref="MaxBytes"/> has been written since it last ran, so a burst cannot overshoot the size by
    /// much. Default 1 minute.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The writer thread's nice value on Linux (0 to 19; 0 = the server's own priority). Default 10:
    /// when the data path keeps a core busy, the writer gets about a tenth of it (and the queue drops what it
    /// cannot write) instead of half; an idle core is the writer's in full.</summary>
    public int WriterNice { get; set; } = 10;
}
