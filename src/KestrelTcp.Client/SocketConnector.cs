using System.Net;
using System.Net.Sockets;

namespace KestrelTcp.Client;

/// <summary>
/// Resolves a host and connects to the first of its addresses that answers. Shared by the client's
/// connections and ktcp's bench connections, so both try addresses the same way.
/// </summary>
internal static class SocketConnector
{
    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>; <paramref name="configure"/> runs on each
    /// socket before it connects. Throws the last <see cref="SocketException"/> when no address answers.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, Action<Socket> configure, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? lastError = null;
        foreach (var address in addresses)
        {
            var candidate = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                configure(candidate);
                await candidate.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return candidate;
            }
            catch (SocketException ex)
            {
                candidate.Dispose();
                lastError = ex;
            }
            catch
            {
                candidate.Dispose();
                throw;
            }
        }

        throw lastError!;
    }
}
