namespace KestrelTcp.Client;

public sealed partial class KestrelTcpClient
{
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
}
