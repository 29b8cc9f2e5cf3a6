namespace KestrelTcp.Protocols;

/// <summary>How a byte stream is split into frames.</summary>
public enum FramingKind
{
    /// <summary>Each read is a frame, as it arrives (shows the split/merge problem on purpose).</summary>
    Raw,

    /// <summary>LF-terminated lines; a trailing CR is stripped.</summary>
    Line,

    /// <summary>Frames end with a configured (possibly multi-byte) delimiter.</summary>
    Delimiter,

    /// <summary>Each frame starts with a length field.</summary>
    LengthPrefixed,

    /// <summary>Every frame has the same size.</summary>
    Fixed,
}
