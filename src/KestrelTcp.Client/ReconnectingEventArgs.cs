namespace KestrelTcp.Client;

/// <summary>Data of the <see cref="KestrelTcpClient.Reconnecting"/> event, raised before each reconnection attempt.</summary>
public sealed class ReconnectingEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public ReconnectingEventArgs(int attempt, TimeSpan delay, Exception? lastError)
    {
        Attempt = attempt;
        Delay = delay;
        LastError = lastError;
    }

    /// <summary>The attempt about to be made, from 1.</summary>
    public int Attempt { get; }

    /// <summary>How long the client waits before the attempt (backoff with jitter).</summary>
    public TimeSpan Delay { get; }

    /// <summary>Why the previous attempt failed; null before the first attempt.</summary>
    public Exception? LastError { get; }
}
