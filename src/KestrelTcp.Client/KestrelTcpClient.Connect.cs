using System.Net;

namespace KestrelTcp.Client;

public sealed partial class KestrelTcpClient
{
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
}
