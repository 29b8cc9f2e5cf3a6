using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// The address of a plain TCP listener whose sessions run inline on the socket thread. Kestrel hands
/// the endpoint it was given to the transport factories, so this type is how
/// <see cref="SessionTransportFactory"/> tells those listeners apart from the HTTP endpoints and TLS
/// listeners, which stay on Kestrel's default socket transport.
/// </summary>
internal sealed class InlineSessionEndPoint(IPAddress address, int port) : IPEndPoint(address, port);

/// <summary>
/// A socket transport with <see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/> for the
/// listeners that ask for it. A session's read and write loops never block (they await only their own
/// socket), so running them on the thread that completed the socket operation removes two thread-pool
/// hops per read: the read, the echo and the send happen in one pass, the way an event loop works.
/// HTTP (sign-in hashes passwords, the audit log writes to disk) and TLS handshakes do block for a
/// while and stay on the thread pool through Kestrel's default transport.
/// </summary>
internal sealed class SessionTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _inline;
    private readonly System.Collections.Concurrent.ConcurrentQueue<EndPoint> _bound = new();

    public SessionTransportFactory(IOptions<SocketTransportOptions> defaults, ILoggerFactory loggers)
    {
        var options = defaults.Value;
        _inline = new SocketTransportFactory(
            Options.Create(new SocketTransportOptions
            {
                UnsafePreferInlineScheduling = true,
                IOQueueCount = options.IOQueueCount,
                NoDelay = options.NoDelay,
                Backlog = options.Backlog,
                MaxReadBufferSize = options.MaxReadBufferSize,
                MaxWriteBufferSize = options.MaxWriteBufferSize,
                WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
                CreateBoundListenSocket = options.CreateBoundListenSocket,
            }),
            loggers);
    }

    /// <summary>The endpoints this transport has bound (the listeners running inline).</summary>
    public IReadOnlyCollection<EndPoint> Bound => _bound;

    public bool CanBind(EndPoint endpoint) => endpoint is InlineSessionEndPoint;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not InlineSessionEndPoint inline)
        {
            throw new NotSupportedException($"{endpoint} is not a session listener's endpoint.");
        }

        // The socket transport sees a plain endpoint, exactly as Kestrel's default transport would.
        var listener = await _inline.BindAsync(new IPEndPoint(inline.Address, inline.Port), cancellationToken).ConfigureAwait(false);
        _bound.Enqueue(listener.EndPoint);
        return listener;
    }
}
