namespace KestrelTcp.Server.Hosting;

/// <summary>What a listener does with the frames it receives.</summary>
public enum ListenerMode
{
    /// <summary>Record the frames; the operator sends (the default).</summary>
    Monitor,

    /// <summary>Reply to each frame with the same payload.</summary>
    Echo,

    /// <summary>Relay each frame to every other session of the listener, like <c>ncat --broker</c>.</summary>
    Broker,
}
