namespace KestrelTcp.Server.Hosting;

/// <summary>
/// How a listener's sessions say which device they are, under <c>KestrelTcp:Listeners:{name}:Identify</c>:
/// from the first <see cref="Frames"/> frames, either by <see cref="Pattern"/> (a regex over the frame as
/// text) or by <see cref="Offset"/> and <see cref="Length"/> (bytes of a binary registration packet).
/// Absent (the default): sessions are not identified and the read path does nothing for it.
/// </summary>
public sealed class IdentifyOptions
{
    /// <summary>Longest device id: 128 characters (64 bytes in <see cref="IdentifyFormat.Hex"/>).</summary>
    public const int MaxDeviceIdLength = 128;

    /// <summary>Most first frames that may be looked at: 16.</summary>
    public const int MaxFrames = 16;

    /// <summary>Default <see cref="MatchTimeout"/>: 100 ms for one regex match.</summary>
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Default <see cref="Timeout"/>: 30 seconds for a <see cref="Required"/> identification.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A .NET regular expression with a named group <c>id</c>, matched against each of the first
    /// frames decoded as UTF-8 (at most <see cref="MaxBytes"/> of it), e.g. <c>^REG,(?&lt;id&gt;\d{15})</c>.</summary>
    public string? Pattern { get; set; }

    /// <summary>For binary packets: where the id starts in the frame's payload (from 0). Used with
    /// <see cref="Length"/> and <see cref="Format"/> instead of <see cref="Pattern"/>.</summary>
    public int? Offset { get; set; }

    /// <summary>For binary packets: how many bytes the id is (1 to 64; at most 128 in <see cref="IdentifyFormat.Ascii"/>).</summary>
    public int? Length { get; set; }

    /// <summary>For binary packets: <see cref="IdentifyFormat.Hex"/> (the default) or <see cref="IdentifyFormat.Ascii"/>.</summary>
    public IdentifyFormat Format { get; set; } = IdentifyFormat.Hex;

    /// <summary>How many first frames may carry the id (1 to <see cref="MaxFrames"/>, default 1). Frames after
    /// them are never looked at, identified or not.</summary>
    public int Frames { get; set; } = 1;

    /// <summary>Whether a session must identify: one that has not by the end of its first <see cref="Frames"/>
    /// frames, or within <see cref="Timeout"/> of connecting, is closed as <c>Unidentified</c>. Default false.</summary>
    public bool Required { get; set; }

    /// <summary>With <see cref="Required"/>: how long a session may take to identify (default 30 s; zero for no limit).</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>What happens when a second live session identifies as the same device. Default <see cref="DuplicatePolicy.ReplaceOld"/>.</summary>
    public DuplicatePolicy OnDuplicate { get; set; } = DuplicatePolicy.ReplaceOld;

    /// <summary>Longest time one <see cref="Pattern"/> match may run before it counts as no match
    /// (between 1 ms and 10 s, default 100 ms).</summary>
    public TimeSpan MatchTimeout { get; set; } = DefaultMatchTimeout;

    /// <summary>How much of a frame a <see cref="Pattern"/> looks at: its first MaxBytes bytes (16 to 65,536,
    /// default 1,024). A registration packet is short; a device does not get to make the server read a megabyte as text.</summary>
    public int MaxBytes { get; set; } = 1024;
}
