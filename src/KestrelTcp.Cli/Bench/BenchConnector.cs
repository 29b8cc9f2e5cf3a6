using System.Net.Security;
using System.Net.Sockets;
using KestrelTcp.Client;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// Opens one bench connection: resolves the host, connects to the first address that answers (Nagle off),
/// and negotiates TLS when asked. The connect timeout covers every step and surfaces as a
/// <see cref="TimeoutException"/>, as the client library's does, so <see cref="ConnectionSettings.DescribeConnectFailure"/> explains it.
/// </summary>
internal static class BenchConnector
{
    public static async Task<(Socket Socket, Stream Stream)> OpenAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            return await OpenCoreAsync(settings, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to {settings.Target} timed out after {settings.ConnectTimeout.TotalMilliseconds:0} ms.");
        }
    }

    private static async Task<(Socket, Stream)> OpenCoreAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var (host, port) = settings.Target;
        var socket = await SocketConnector.ConnectAsync(host, port, static candidate => candidate.NoDelay = true, cancellationToken).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: true);
        if (!settings.Tls)
        {
            return (socket, stream);
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(settings.CreateSslOptions(host), cancellationToken).ConfigureAwait(false);
            return (socket, tls);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
