namespace KestrelTcp.Client;

public sealed partial class KestrelTcpClient
{
    /// <summary>
    /// Tries to connect again with exponential backoff and jitter until it succeeds, the client is closed,
    /// or <see cref="ReconnectOptions.MaxAttempts"/> is reached.
    /// </summary>
    private async Task ReconnectAsync(CancellationTokenSource lifetime)
    {
        var settings = _options.Reconnect;
        string host;
        int port;
        lock (_gate)
        {
            host = _host!;
            port = _port;
        }

        Exception? lastError = null;
        for (var attempt = 1; settings.MaxAttempts is not { } max || attempt <= max; attempt++)
        {
            var delay = settings.GetDelay(attempt, Random.Shared);
            RaiseInBackground(Reconnecting, new ReconnectingEventArgs(attempt, delay, lastError));
            try
            {
                await Task.Delay(delay, lifetime.Token).ConfigureAwait(false);
                var connection = await OpenAsync(host, port, lifetime.Token, CancellationToken.None).ConfigureAwait(false);
                if (Attach(connection, lifetime, isReconnect: true))
                {
                    return;
                }

                connection.Abort();
                break;
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                lastError = ex;
                lock (_gate)
                {
                    _lastError = ex;
                }
            }
        }

        var gaveUp = !lifetime.IsCancellationRequested;
        lock (_gate)
        {
            if (ReferenceEquals(_lifetime, lifetime) && _state == ClientState.Reconnecting)
            {
                CompleteFrames();
                SetState(ClientState.Disconnected);
            }
        }

        if (gaveUp)
        {
            RaiseInBackground(Disconnected, new DisconnectedEventArgs(DisconnectReason.ReconnectFailed, lastError, willReconnect: false));
        }
    }
}
