namespace KestrelTcp.Protocols;

/// <summary>Thrown by a decoder when the incoming bytes break the framing rules.</summary>
public sealed class FramingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FramingException(FramingError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates the exception (for serializers; prefer the constructor with an error kind).</summary>
    public FramingException()
        : this(FramingError.InvalidFrame, "Invalid frame.")
    {
    }

    /// <summary>Creates the exception (for serializers; prefer the constructor with an error kind).</summary>
    public FramingException(string message)
        : this(FramingError.InvalidFrame, message)
    {
    }

    /// <summary>Creates the exception (for serializers; prefer the constructor with an error kind).</summary>
    public FramingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = FramingError.InvalidFrame;
    }

    /// <summary>What went wrong.</summary>
    public FramingError Error { get; }

    internal static FramingException TooLarge(long length, int max) =>
        new(FramingError.FrameTooLarge, $"Frame of {length} bytes exceeds the maximum of {max} bytes.");

    internal static FramingException TooLargeUnterminated(int max) =>
        new(FramingError.FrameTooLarge, $"No frame delimiter within the maximum frame size of {max} bytes.");
}
