using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace KestrelTcp.Server.Hosting.EventLoop;

/// <summary>
/// The event loops of the plain TCP listeners (Linux): one thread per core, up to 16, started on the
/// first bind. Listening sockets accept through .NET's sockets; each accepted socket is handed to a
/// loop in turn and never touches .NET's socket engine again.
/// </summary>
internal sealed class EventLoopTransport : IDisposable
{
    private readonly SocketTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly PipeOptions _inputOptions;
    private readonly PipeOptions _outputOptions;
    private EventLoop[]? _loops;
    private int _next;
    private long _acceptOutOfResources;
    private long _acceptReset;
    private long _adoptFailed;

    /// <summary>The output pipe's pause threshold: what a session can have written and not yet sent
    /// beyond the bytes its queue accounts for.</summary>
    public const int OutputPauseBytes = 16 * 1024;

    public EventLoopTransport(SocketTransportOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var maxRead = options.MaxReadBufferSize ?? 0;
        var maxWrite = options.MaxWriteBufferSize ?? 0;
        _inputOptions = new PipeOptions(
            pauseWriterThreshold: maxRead,
            resumeWriterThreshold: maxRead / 2,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false);
        // The send loop advances the pipe only once a whole flush has been sent, so a low pause threshold
        // costs nothing while the socket takes data (the flush completes inline) and, when it does not,
        // makes the session's writer wait with its bytes still counted as queued, inside the outbound
        // budget, instead of leaving up to 64 KiB per session uncounted in the pipe.
        maxWrite = maxWrite > 0 ? Math.Min(maxWrite, OutputPauseBytes) : OutputPauseBytes;
        _outputOptions = new PipeOptions(
            pauseWriterThreshold: maxWrite,
            resumeWriterThreshold: maxWrite / 2,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false);
    }

    /// <summary>How many loop threads run (0 until the first listener binds).</summary>
    public int LoopCount => Volatile.Read(ref _loops)?.Length ?? 0;

    /// <summary>Accepts that failed since start, by cause, over every listener this transport serves.</summary>
    public AcceptErrors AcceptErrors => new(
        Interlocked.Read(ref _acceptOutOfResources),
        Interlocked.Read(ref _acceptReset),
        Interlocked.Read(ref _adoptFailed));

    /// <summary>Each loop's counters; empty until a listener has been bound.</summary>
    public EventLoopCounters[] Counters()
    {
        var loops = Volatile.Read(ref _loops);
        if (loops is null)
        {
            return [];
        }

        var counters = new EventLoopCounters[loops.Length];
        for (var i = 0; i < loops.Length; i++)
        {
            counters[i] = loops[i].Counters();
        }

        return counters;
    }

    public IConnectionListener Bind(IPEndPoint endpoint)
    {
        // The loops start with the first listener, so a server without plain listeners runs none.
        _ = Loops;
        Socket socket;
        try
        {
            socket = _options.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // As Kestrel's socket transport does, so Kestrel reports "address already in use" with the address.
            throw new AddressInUseException(ex.Message, ex);
        }

        try
        {
            socket.Listen(_options.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new EventLoopListener(this, socket);
    }

    /// <summary>Takes over an accepted socket: non-blocking, registered with the next loop.</summary>
    public EventLoopConnection Adopt(Socket socket)
    {
        try
        {
            socket.NoDelay = _options.NoDelay;

            // O_NONBLOCK set directly: Socket.Blocking would also build .NET's per-socket async state,
            // which this connection never uses.
            if (!LinuxSockets.SetNonBlocking((int)socket.SafeHandle.DangerousGetHandle()))
            {
                throw new IOException($"The accepted socket could not be made non-blocking (errno {LinuxSockets.Errno}).");
            }

            var loops = Loops;
            var loop = loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Length)];
            var connection = new EventLoopConnection(socket, loop, _inputOptions, _outputOptions, _logger);
            connection.Start();
            loop.ConnectionAdded();
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        EventLoop[]? loops;
        lock (_gate)
        {
            loops = _loops;
            _loops = [];
        }

        foreach (var loop in loops ?? [])
        {
            loop.Dispose();
        }
    }

    private EventLoop[] Loops
    {
        get
        {
            if (Volatile.Read(ref _loops) is { Length: > 0 } loops)
            {
                return loops;
            }

            lock (_gate)
            {
                if (_loops is null)
                {
                    var count = Math.Clamp(Environment.ProcessorCount, 1, 16);
                    var created = new EventLoop[count];
                    for (var i = 0; i < count; i++)
                    {
                        created[i] = new EventLoop(i, _logger);
                    }

                    Volatile.Write(ref _loops, created);
                }

                return _loops.Length > 0 ? _loops : throw new ObjectDisposedException(nameof(EventLoopTransport));
            }
        }
    }

    /// <summary>A listening socket whose accepted connections go to the loops.</summary>
    private sealed class EventLoopListener(EventLoopTransport transport, Socket socket) : IConnectionListener
    {
        /// <summary>How long to wait before accepting again when the process is out of descriptors or
        /// buffers: the connection stays in the backlog, and retrying at once would spin this thread.</summary>
        internal static readonly TimeSpan OutOfResourcesRetry = TimeSpan.FromMilliseconds(250);

        // At most one out-of-resources warning every 30 s: while the process sits at its limit, accepts
        // fail and succeed by turns.
        private readonly WarningInterval _outOfResourcesWarnings = new(TimeSpan.FromSeconds(30));

        public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                Socket accepted;
                try
                {
                    accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return null;
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
                {
                    return null;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // At the file-descriptor limit (or out of kernel memory): wait, then try again.
                    Interlocked.Increment(ref transport._acceptOutOfResources);
                    if (_outOfResourcesWarnings.TryTake())
                    {
                        transport._logger.AcceptOutOfResources(EndPoint, ex.Message, (int)OutOfResourcesRetry.TotalMilliseconds);
                    }

                    try
                    {
                        await Task.Delay(OutOfResourcesRetry, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return null;
                    }

                    continue;
                }
                catch (SocketException)
                {
                    // A connection reset before it was accepted: take the next one.
                    Interlocked.Increment(ref transport._acceptReset);
                    continue;
                }

                try
                {
                    return transport.Adopt(accepted);
                }
                catch (Exception ex) when (ex is SocketException or IOException)
                {
                    // The client went away between accept and registration.
                    Interlocked.Increment(ref transport._adoptFailed);
                    continue;
                }
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// Connection ids in Kestrel's style: 13 characters of base-32, unique for the process's life. Kestrel
/// counts its own ids up from the clock's ticks too, so ours start with bit 62 set: a range Kestrel's
/// ids (HTTP and TLS connections) never reach, which keeps every session id distinct.
/// </summary>
internal static class ConnectionIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
    private static long s_last = DateTime.UtcNow.Ticks | (1L << 62);

    public static string Next() => string.Create(13, Interlocked.Increment(ref s_last), static (span, id) =>
    {
        for (var i = 12; i >= 0; i--)
        {
            span[i] = Alphabet[(int)(id & 31)];
            id >>= 5;
        }
    });
}
