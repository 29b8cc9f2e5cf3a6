namespace KestrelTcp.Protocols;

/// <summary>Thrown by <see cref="ProxyProtocolReader"/> when a connection does not start with a well-formed
/// PROXY protocol header; the message says what was wrong.</summary>
public sealed class ProxyProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProxyProtocolException()
        : this("Invalid PROXY protocol header.")
    {
    }

    /// <summary>Creates the exception with what was wrong.</summary>
    public ProxyProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with what was wrong and its cause.</summary>
    public ProxyProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
