using System.Net;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using KestrelTcp.Protocols;

namespace KestrelTcp.Client;

/// <summary>
/// A framed TCP client with both the shapes of Qt's <c>QTcpSocket</c>: asynchronous (connect, send,
/// <see cref="ReadFramesAsync"/>, and the <see cref="Connected"/>, <see cref="FrameReceived"/> and
/// <see cref="Disconnected"/> events) and blocking (<see cref="WaitForConnected"/>,
/// <see cref="WaitForBytesWritten"/>, <see cref="WaitForReadyRead"/>, <see cref="Receive"/>,
/// <see cref="WaitForDisconnected"/>), each blocking call bounded by a timeout in milliseconds.
/// Frames are encoded and decoded with the same <see cref="FrameCodec"/> the server uses.
/// </summary>
/// <remarks>
/// <para>Sending is thread-safe: frames from concurrent senders are written whole, one after the other,
/// by a single send loop that batches what is queued into few socket writes.</para>
/// <para>Received frames go to exactly one place: the <see cref="KestrelTcpClientOptions.OnFrame"/>
/// callback when set; otherwise the <see cref="FrameReceived"/> event when it has a handler; otherwise
/// the receive queue read by <see cref="ReceiveAsync"/>, <see cref="ReadFramesAsync"/>,
/// <see cref="Receive"/> and <see cref="WaitForReadyRead"/>.</para>
/// <para>Events are raised on the client's own threads (thread-pool threads, with no synchronization
/// context). Handlers must return quickly and must not wait for the client (for example with
/// <see cref="WaitForReadyRead"/>) from inside <see cref="FrameReceived"/>. An exception thrown by a
/// <see cref="FrameReceived"/> handler closes the connection with <see cref="DisconnectReason.Error"/>;
/// one thrown by another handler on a background thread is rethrown on the thread pool, as an unhandled
/// exception in any .NET callback would be.</para>
/// </remarks>
public sealed partial class KestrelTcpClient : IAsyncDisposable, IDisposable
{
    private readonly KestrelTcpClientOptions _options;
    private readonly FrameCodec _codec;
    private readonly FrameCallback? _onFrame;
    private readonly object _gate = new();
    private readonly AsyncSignal _stateChanged = new();
    private ClientState _state;
    private Connection? _connection;
    private Channel<byte[]> _frames;
    private CancellationTokenSource? _lifetime;
    private string? _host;
    private int _port;
    private Exception? _lastError;
    private bool _disposed;

    /// <summary>Creates a client; call <see cref="ConnectAsync(string, int, CancellationToken)"/> or
    /// <see cref="ConnectToHost"/> to connect.</summary>
    /// <param name="options">Settings; null for the defaults (line framing, no TLS, no reconnect).</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the setting.</exception>
    public KestrelTcpClient(KestrelTcpClientOptions? options = null)
    {
        _options = options ?? new KestrelTcpClientOptions();
        _options.Validate();
        _codec = _options.Framing.CreateCodec();
        _onFrame = _options.OnFrame;
        _frames = CreateFrameQueue();
    }

    /// <summary>Raised when a connection is established, by a connect call or by automatic reconnection.</summary>
    public event EventHandler<ConnectedEventArgs>? Connected;

    /// <summary>Raised when a connection ends, with the reason; <see cref="DisconnectedEventArgs.WillReconnect"/>
    /// says whether automatic reconnection follows.</summary>
    public event EventHandler<DisconnectedEventArgs>? Disconnected;

    /// <summary>Raised before each automatic reconnection attempt.</summary>
    public event EventHandler<ReconnectingEventArgs>? Reconnecting;

    /// <summary>The current state.</summary>
    public ClientState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>True while connected.</summary>
    public bool IsConnected => State == ClientState.Connected;

    /// <summary>True when the current connection uses TLS.</summary>
    public bool IsEncrypted => Current?.IsEncrypted ?? false;

    /// <summary>The peer's address while connected.</summary>
    public EndPoint? RemoteEndPoint => Current?.RemoteEndPoint;

    /// <summary>This side's address while connected.</summary>
    public EndPoint? LocalEndPoint => Current?.LocalEndPoint;

    /// <summary>The codec frames are encoded and decoded with, built from <see cref="KestrelTcpClientOptions.Framing"/>.</summary>
    public FrameCodec Codec => _codec;

    /// <summary>The error of the last failed connect or reconnect attempt, or of the last connection that
    /// broke; null when there was none (like <c>QAbstractSocket::error()</c>).</summary>
    public Exception? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    private Connection? Current
    {
        get
        {
            lock (_gate)
            {
                return _connection;
            }
        }
    }

    /// <summary>Waits for a connection to end, updates the state, raises <see cref="Disconnected"/> and
    /// reconnects when configured.</summary>
    private async Task ObserveAsync(Connection connection, CancellationTokenSource lifetime)
    {
        var (reason, error) = await connection.Completion.ConfigureAwait(false);
        bool reconnect;
        lock (_gate)
        {
            _connection = null;
            if (error is not null)
            {
                _lastError = error;
            }

            reconnect = reason != DisconnectReason.LocalClose
                && _options.Reconnect.Enabled
                && !_disposed
                && ReferenceEquals(_lifetime, lifetime)
                && !lifetime.IsCancellationRequested;
            if (!reconnect)
            {
                CompleteFrames();
            }

            SetState(reconnect ? ClientState.Reconnecting : ClientState.Disconnected);
        }

        RaiseInBackground(Disconnected, new DisconnectedEventArgs(reason, error, reconnect));
        if (reconnect)
        {
            await ReconnectAsync(lifetime).ConfigureAwait(false);
        }
    }

    /// <summary>Called under <see cref="_gate"/>.</summary>
    private void SetState(ClientState state)
    {
        _state = state;
        _stateChanged.Pulse();
    }

    private async Task WaitForStateAsync(Func<ClientState, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = _stateChanged.Task;
            if (condition(State))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Channel<byte[]> CreateFrameQueue() => Channel.CreateBounded<byte[]>(new BoundedChannelOptions(_options.ReceiveQueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleWriter = true,
        SingleReader = false,
        AllowSynchronousContinuations = false,
    });

    private void RaiseInBackground<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            // Not swallowed: an exception escaping a handler is unhandled, as in any other .NET callback.
            var captured = ExceptionDispatchInfo.Capture(ex);
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Throw(), captured, preferLocal: false);
        }
    }
}
