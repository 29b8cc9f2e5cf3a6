using KestrelTcp.Protocols;

namespace KestrelTcp.Client;

/// <summary>Settings of a <see cref="KestrelTcpClient"/>. Read when the client is created; later changes have no effect.</summary>
public sealed class KestrelTcpClientOptions
{
    /// <summary>Default <see cref="ConnectTimeout"/>: 10 seconds, TLS handshake included.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="ReceiveQueueCapacity"/>: 1024 frames.</summary>
    public const int DefaultReceiveQueueCapacity = 1024;

    /// <summary>Default <see cref="MaxPendingSendBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxPendingSendBytes = 1024 * 1024;

    /// <summary>How frames are delimited; must match the server's listener. Default <see cref="FramingKind.Line"/>
    /// (the server's default listener), with its 8 KiB maximum.</summary>
    public FramingOptions Framing { get; set; } = new();

    /// <summary>Longest time a connect may take, name resolution and TLS handshake included; a connect that
    /// takes longer throws <see cref="TimeoutException"/>. Default <see cref="DefaultConnectTimeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>Longest time <see cref="KestrelTcpClient.DisconnectAsync"/> waits for queued frames to be written
    /// and for the peer to close its side before it closes the socket anyway. Default 5 seconds.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Received frames held for <see cref="KestrelTcpClient.ReceiveAsync"/> and its blocking and streaming
    /// variants. When the queue is full the client stops reading the socket, so a slow reader slows the sender
    /// (TCP backpressure) instead of growing memory. Default <see cref="DefaultReceiveQueueCapacity"/>.</summary>
    public int ReceiveQueueCapacity { get; set; } = DefaultReceiveQueueCapacity;

    /// <summary>Bytes that may wait to be written to the socket. A send that would go over waits (asynchronously,
    /// or up to its timeout for the blocking <see cref="KestrelTcpClient.Send(ReadOnlySpan{byte}, int)"/>);
    /// a single frame larger than the limit is still accepted when nothing else is waiting.
    /// Default <see cref="DefaultMaxPendingSendBytes"/>.</summary>
    public int MaxPendingSendBytes { get; set; } = DefaultMaxPendingSendBytes;

    /// <summary>Disable Nagle's algorithm so that each frame leaves at once. Default true: frames are messages.</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Enable TCP keepalive so that a peer that vanished is detected (<see cref="DisconnectReason.Timeout"/>).
    /// Default true, with the OS's probe timings unless <see cref="KeepAliveTime"/> is set.</summary>
    public bool KeepAlive { get; set; } = true;

    /// <summary>Idle time before the first keepalive probe; null (the default) keeps the OS setting.</summary>
    public TimeSpan? KeepAliveTime { get; set; }

    /// <summary>Automatic reconnection; off by default.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>TLS settings; null (the default) means plain TCP.</summary>
    public ClientTlsOptions? Tls { get; set; }

    /// <summary>
    /// A low-level receive path for high rates: when set, every frame is passed to this callback on the
    /// receive loop without being copied, and it is neither queued nor raised as
    /// <see cref="KestrelTcpClient.FrameReceived"/>. The callback must be quick and must not block on the
    /// client's receive methods.
    /// </summary>
    public FrameCallback? OnFrame { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Framing);
        ArgumentNullException.ThrowIfNull(Reconnect);
        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"ConnectTimeout must be positive or infinite (was {ConnectTimeout}).");
        }

        if (CloseTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"CloseTimeout must not be negative (was {CloseTimeout}).");
        }

        if (ReceiveQueueCapacity < 1)
        {
            throw new ArgumentException($"ReceiveQueueCapacity must be 1 or more (was {ReceiveQueueCapacity}).");
        }

        if (MaxPendingSendBytes < 1)
        {
            throw new ArgumentException($"MaxPendingSendBytes must be 1 or more (was {MaxPendingSendBytes}).");
        }

        Reconnect.Validate();
    }
}
