using System.Net;
using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// A listener whose every accept first takes a place at its gate, given back when the accepted
/// connection is disposed (its socket closed). While the gate is empty the listener does not accept:
/// new connections wait in the kernel's backlog instead of taking the process's last descriptors.
/// </summary>
internal sealed class DescriptorGatedListener(IConnectionListener inner, SemaphoreSlim gate, ILogger logger) : IConnectionListener
{
    private readonly CancellationTokenSource _unbound = new();
    private readonly WarningInterval _warnings = new(TimeSpan.FromSeconds(30));

    public EndPoint EndPoint => inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
        try
        {
            if (!gate.Wait(0))
            {
                if (_warnings.TryTake())
                {
                    logger.AcceptPaused(EndPoint, gate.CurrentCount);
                }

                await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        ConnectionContext? connection;
        try
        {
            connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            gate.Release();
            throw;
        }

        if (connection is null)
        {
            gate.Release();
            return null;
        }

        return new DescriptorGatedConnection(connection, gate);
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _unbound.Cancel();
        return inner.UnbindAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _unbound.Cancel();
        await inner.DisposeAsync().ConfigureAwait(false);
        _unbound.Dispose();
    }
}
