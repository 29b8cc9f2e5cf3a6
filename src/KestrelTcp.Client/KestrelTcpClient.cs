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

    /// <summary>Creates a client and connects it.</summary>
    /// <exception cref="TimeoutException">The connect took longer than <see cref="KestrelTcpClientOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The host was not found or refused the connection.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed.</exception>
    public static async Task<KestrelTcpClient> ConnectAsync(string host, int port, KestrelTcpClientOptions? options, CancellationToken cancellationToken = default)
    {
        var client = new KestrelTcpClient(options);
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects to <paramref name="host"/> (a name or an address) on <paramref name="port"/>, negotiating TLS
    /// when configured. Completes once connected, after the <see cref="Connected"/> event.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client is not disconnected.</exception>
    /// <exception cref="TimeoutException">The connect took longer than <see cref="KestrelTcpClientOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The host was not found or refused the connection.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled, or the
    /// client was closed while connecting.</exception>
    public Task ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        var lifetime = BeginConnect(host, port);
        return ConnectCoreAsync(host, port, lifetime, cancellationToken);
    }

    /// <summary>
    /// Starts connecting and returns at once, like <c>QTcpSocket::connectToHost</c>; follow with
    /// <see cref="WaitForConnected"/> or the <see cref="Connected"/> event. A failure is reported by
    /// <see cref="WaitForConnected"/> returning false and by <see cref="LastError"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client is not disconnected.</exception>
    public void ConnectToHost(string host, int port)
    {
        var lifetime = BeginConnect(host, port);
        _ = ConnectInBackgroundAsync(host, port, lifetime);
    }

    /// <summary>
    /// Closes gracefully, like <c>QTcpSocket::disconnectFromHost</c>: queued frames are written, the sending
    /// side is shut down, frames still arriving are delivered until the peer closes, and then the socket is
    /// closed. Bounded by <see cref="KestrelTcpClientOptions.CloseTimeout"/>, after which the connection is
    /// aborted. Stops automatic reconnection. Does nothing when already disconnected.
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        Connection? connection;
        CancellationTokenSource? lifetime;
        lock (_gate)
        {
            connection = _connection;
            lifetime = _lifetime;
            if (connection is not null)
            {
                SetState(ClientState.Closing);
            }
        }

        lifetime?.Cancel();
        if (connection is not null)
        {
            if (await _sendLock.WaitAsync(_options.CloseTimeout, cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    connection.CompleteOutput();
                }
                finally
                {
                    _sendLock.Release();
                }

                await connection.WaitForCloseAsync(_options.CloseTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                connection.Abort();
            }
        }

        await WaitForStateAsync(static s => s == ClientState.Disconnected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes at once, like <c>QTcpSocket::abort</c>: queued frames are dropped. Stops automatic
    /// reconnection. The state becomes <see cref="ClientState.Disconnected"/> shortly after, once the
    /// connection's loops have ended (see <see cref="WaitForDisconnected"/>).</summary>
    public void Abort()
    {
        Connection? connection;
        CancellationTokenSource? lifetime;
        lock (_gate)
        {
            connection = _connection;
            lifetime = _lifetime;
        }

        lifetime?.Cancel();
        connection?.Abort();
    }

    /// <summary>Closes gracefully (see <see cref="DisconnectAsync"/>), then releases the client.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        await DisconnectAsync().ConfigureAwait(false);
    }

    /// <summary>Closes at once (see <see cref="Abort"/>) and releases the client. Use <see cref="DisposeAsync"/>
    /// to let queued frames be written first.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        Abort();
    }

    private CancellationTokenSource BeginConnect(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state != ClientState.Disconnected)
            {
                throw new InvalidOperationException($"The client is {_state}; disconnect it before connecting again.");
            }

            _host = host;
            _port = port;
            if (_frames.Reader.Completion.IsCompleted)
            {
                _frames = CreateFrameQueue();
            }

            _lifetime = new CancellationTokenSource();
            _lastError = null;
            SetState(ClientState.Connecting);
            return _lifetime;
        }
    }

    private async Task ConnectCoreAsync(string host, int port, CancellationTokenSource lifetime, CancellationToken cancellationToken)
    {
        Connection connection;
        try
        {
            connection = await OpenAsync(host, port, lifetime.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _lastError = ex;
                if (ReferenceEquals(_lifetime, lifetime))
                {
                    CompleteFrames();
                    SetState(ClientState.Disconnected);
                }
            }

            throw;
        }

        if (!Attach(connection, lifetime, isReconnect: false))
        {
            connection.Abort();
            throw new OperationCanceledException("The client was closed while it was connecting.");
        }
    }

    private async Task ConnectInBackgroundAsync(string host, int port, CancellationTokenSource lifetime)
    {
        try
        {
            await ConnectCoreAsync(host, port, lifetime, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Reported through LastError and WaitForConnected, as QTcpSocket reports through error().
        }
    }

    private async Task<Connection> OpenAsync(string host, int port, CancellationToken lifetime, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime, cancellationToken);
        var limit = _options.ConnectTimeout;
        if (limit != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(limit);
        }

        try
        {
            return await Connection.OpenAsync(host, port, _options, _codec, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!lifetime.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to {host}:{port} timed out after {limit.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>Makes <paramref name="connection"/> current and starts it, unless the client was closed meanwhile.</summary>
    private bool Attach(Connection connection, CancellationTokenSource lifetime, bool isReconnect)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_lifetime, lifetime) || lifetime.IsCancellationRequested)
            {
                return false;
            }

            _connection = connection;
            SetState(ClientState.Connected);
        }

        var args = new ConnectedEventArgs(connection.RemoteEndPoint, connection.LocalEndPoint, isReconnect);
        if (isReconnect)
        {
            RaiseInBackground(Connected, args);
        }
        else
        {
            // Started even when a handler throws: the exception reaches the connect call, the connection stays usable.
            try
            {
                Connected?.Invoke(this, args);
            }
            finally
            {
                connection.Start(this);
                _ = ObserveAsync(connection, lifetime);
            }

            return true;
        }

        connection.Start(this);
        _ = ObserveAsync(connection, lifetime);
        return true;
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
