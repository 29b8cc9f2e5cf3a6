using System.Net;
using KestrelTcp.Server.Hosting.EventLoop;
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
internal sealed class InlineSessionEndPoint(IPAddress address, int port) : SessionEndPoint(address, port);

/// <summary>
/// The transport of the listeners whose sessions run inline. A session's read and write loops never
/// block (they await only their own socket), so they can run on the thread that received the data:
/// the read, the echo and the send happen in one pass, the way an event loop works. On Linux that is
/// <see cref="EventLoopTransport"/> (epoll, one loop thread per core, one read per wake-up where a
/// socket transport needs two); elsewhere it is Kestrel's socket transport with
/// <see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/>.
/// HTTP (sign-in hashes passwords, the audit log writes to disk) and TLS handshakes do block for a
/// while and stay on the thread pool through Kestrel's default transport.
/// </summary>
internal sealed class SessionTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private readonly SocketTransportFactory? _inline;
    private readonly EventLoopTransport? _loops;
    private readonly System.Collections.Concurrent.ConcurrentQueue<EndPoint> _bound = new();

    public SessionTransportFactory(IOptions<SocketTransportOptions> defaults, ILoggerFactory loggers)
    {
        var options = defaults.Value;
        if (LinuxSockets.IsSupported)
        {
            _loops = new EventLoopTransport(options, loggers.CreateLogger<EventLoopTransport>());
            return;
        }

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

    /// <summary>How many event-loop threads serve the inline listeners: 0 where the event loops are not
    /// supported (not Linux) and the listeners run on Kestrel's socket transport with inline scheduling.</summary>
    public int EventLoops => _loops?.LoopCount ?? 0;

    /// <summary>Each event loop's counters (empty where there are none).</summary>
    public EventLoopCounters[] LoopCounters() => _loops?.Counters() ?? [];

    /// <summary>Failed accepts of the inline listeners (all zero where the event loops do not serve them).</summary>
    public AcceptErrors AcceptErrors => _loops?.AcceptErrors ?? default;

    /// <summary>The endpoints this transport has bound (the listeners running inline).</summary>
    public IReadOnlyCollection<EndPoint> Bound => _bound;

    public bool CanBind(EndPoint endpoint) => endpoint is InlineSessionEndPoint;

    public void Dispose() => _loops?.Dispose();

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not InlineSessionEndPoint inline)
        {
            throw new NotSupportedException($"{endpoint} is not a session listener's endpoint.");
        }

        // The transport sees a plain endpoint, exactly as Kestrel's default transport would.
        var plain = new IPEndPoint(inline.Address, inline.Port);
        var listener = _loops is not null
            ? _loops.Bind(plain)
            : await _inline!.BindAsync(plain, cancellationToken).ConfigureAwait(false);
        _bound.Enqueue(listener.EndPoint);
        return listener;
    }
}
