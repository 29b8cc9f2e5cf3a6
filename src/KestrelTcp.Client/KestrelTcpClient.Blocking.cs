namespace KestrelTcp.Client;

public sealed partial class KestrelTcpClient
{
    /// <summary>
    /// Waits until the client is connected, like <c>QTcpSocket::waitForConnected</c>; use after
    /// <see cref="ConnectToHost"/>, or while automatic reconnection is under way.
    /// </summary>
    /// <param name="millisecondsTimeout">Longest wait in milliseconds; -1 waits without limit.</param>
    /// <returns>True when connected; false when the time ran out or the connect failed (see <see cref="LastError"/>).</returns>
    public bool WaitForConnected(int millisecondsTimeout = 30_000) =>
        WaitUntil(millisecondsTimeout, () => _state switch
        {
            ClientState.Connected => true,
            ClientState.Disconnected or ClientState.Closing => false,
            _ => null,
        });

    /// <summary>
    /// Waits until the current connection has ended, like <c>QTcpSocket::waitForDisconnected</c>; true at once
    /// when the client is disconnected. With automatic reconnection, the end of the current connection counts,
    /// even though a new one may follow.
    /// </summary>
    /// <param name="millisecondsTimeout">Longest wait in milliseconds; -1 waits without limit.</param>
    /// <returns>True when the connection ended; false when the time ran out.</returns>
    public bool WaitForDisconnected(int millisecondsTimeout = 30_000)
    {
        var connection = Current;
        return WaitUntil(millisecondsTimeout, () => connection is null
            ? (_state == ClientState.Disconnected ? true : null)
            : (ReferenceEquals(_connection, connection) ? null : true));
    }

    /// <summary>Blocks until <paramref name="check"/> (evaluated under the state lock) says true or false,
    /// re-checking on every state change, or until the timeout, which counts as false.</summary>
    private bool WaitUntil(int millisecondsTimeout, Func<bool?> check)
    {
        var deadline = Deadline.Start(millisecondsTimeout);
        while (true)
        {
            var changed = _stateChanged.Task;
            bool? outcome;
            lock (_gate)
            {
                outcome = check();
            }

            if (outcome is { } done)
            {
                return done;
            }

            if (!changed.Wait(deadline.Remaining))
            {
                return false;
            }
        }
    }
}
