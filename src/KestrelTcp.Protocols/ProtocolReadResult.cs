namespace KestrelTcp.Protocols;

/// <summary>The outcome of <see cref="ProtocolReader{TMessage}.ReadAsync"/>.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public readonly struct ProtocolReadResult<TMessage>
{
    /// <summary>Creates the result.</summary>
    public ProtocolReadResult(TMessage message, bool isCompleted, bool isCanceled)
    {
        Message = message;
        IsCompleted = isCompleted;
        IsCanceled = isCanceled;
    }

    /// <summary>The message; only meaningful when neither <see cref="IsCompleted"/> nor <see cref="IsCanceled"/> is set.</summary>
    public TMessage Message { get; }

    /// <summary>The stream ended; no message.</summary>
    public bool IsCompleted { get; }

    /// <summary>The pending read was canceled with <c>CancelPendingRead</c>; no message.</summary>
    public bool IsCanceled { get; }
}
