namespace KestrelTcp.Protocols;

/// <summary>Why a byte stream could not be framed.</summary>
public enum FramingError
{
    /// <summary>A frame is larger than the configured maximum.</summary>
    FrameTooLarge,

    /// <summary>A frame header is malformed, for example a length that is negative after adjustment.</summary>
    InvalidFrame,

    /// <summary>The stream ended in the middle of a frame.</summary>
    TruncatedFrame,
}
