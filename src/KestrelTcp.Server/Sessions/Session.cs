using System.Net;
using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// One connected client. The read loop (<c>Session.Read.cs</c>) decodes frames; the write loop
/// (<c>Session.Write.cs</c>) is the only code that touches <c>Transport.Output</c>; everything else
/// talks to the session through its bounded outbound queue and <see cref="Close"/>.
/// Counters are written by the session's own loops and read, possibly a little stale, by anyone.
/// </summary>
internal sealed partial class Session
{
    /// <summary>The smallest echo block rented: room for a read's worth of small frames.</summary>
    private const int EchoBlockBytes = 4096;

    /// <summary>The smallest relay block rented: room for a slice's worth of small frames to each peer.</summary>
    private const int RelayBlockBytes = 32 * 1024;

    /// <summary>Most deliveries of a fan-out slice that runs on the transport's thread (an event loop) rather
    /// than on the thread pool: 4,096, well under a millisecond of relaying. The first slice of a read runs
    /// where the read completed; the slices after it, on the pool.</summary>
    private const int InlineFanOutSliceDeliveries = 4096;

    /// <summary>Most bytes one broker fan-out slice queues to all peers together (8 MiB): with large frames
    /// it is the copying, not the count of deliveries, that takes the time.</summary>
    internal const long MaxFanOutSliceBytes = 8L * 1024 * 1024;

    /// <summary>Guards watcher counts and watch rings: watching is a rare hub call, so one lock for all
    /// sessions keeps a lock object out of every idle session.</summary>
    private static readonly Lock WatchGate = new();

    private readonly ConnectionContext _connection;
    private readonly SessionEvents _events;
    private readonly ILogger _logger;
    private readonly SessionHistory _history;
    private readonly OutboundQueue _outbound = new();
    private readonly int _outboundLimit;

    private long _bytesIn;
    private long _bytesOut;
    private long _framesIn;
    private long _framesOut;
    private long _queuedBytes;
    private long _outboundCredit;
    private long _lastReceivedTicks;
    private long _lastSentTicks;
    private int _closeReason;
    private string? _closeDetail;
    private long _closedAtTicks;
    private int _drainOnClose;
    private int _watchers;
    private SessionHistory? _watchRing;
    private RawReadRing? _rawReads;
    private int _changed;
    private string? _remoteEndPointText;
    private string? _localEndPointText;

    // The echo block being filled by the read loop (only the read loop touches these).
    private byte[]? _echoBlock;
    private int _echoLength;
    private int _echoFrames;

    // The broker fan-out slice under way (only the read loop touches these): the peers it goes to, the
    // block its frames are framed in, the deliveries made, the bytes of its frames, and the bytes queued
    // to all peers.
    private Session[]? _fanOutPeers;
    private int _sliceDeliveryLimit;
    private bool _fanOutOffLoop;
    private byte[]? _relayBlock;
    private int _relayLength;
    private int _relayFrames;
    private int _sliceDeliveries;
    private long _slicePeerBytes;
    private long _sliceBytes;

    /// <param name="connection">The connection.</param>
    /// <param name="listener">The listener that accepted it.</param>
    /// <param name="history">The history's bounds.</param>
    /// <param name="events">Where the session's changes are published.</param>
    /// <param name="logger">The session's logger.</param>
    /// <param name="historyBudget">The process-wide history budget the history grows from; none for no process-wide bound.</param>
    /// <param name="devices">Which live session is which device; none to keep no index (a duplicate device is then not noticed).</param>
    public Session(ConnectionContext connection, Listener listener, HistoryOptions history, SessionEvents events, ILogger logger, HistoryBudget? historyBudget = null, DeviceDirectory? devices = null)
    {
        _connection = connection;
        _events = events;
        _logger = logger;
        Listener = listener;
        Id = connection.ConnectionId;
        RemoteEndPoint = connection.RemoteEndPoint;
        LocalEndPoint = connection.LocalEndPoint;
        ConnectedAt = DateTimeOffset.UtcNow;
        Encrypted = connection.Features.Get<ITlsHandshakeFeature>() is not null;
        _history = new SessionHistory(history.Frames, history.PreviewBytes, history.MaxBytesPerSession, historyBudget);
        _outboundLimit = listener.Options.OutboundQueueBytes;
        _devices = devices;
        _identifyFramesLeft = listener.Identifier?.Options.Frames ?? 0;
    }

    public string Id { get; }

    public Listener Listener { get; }

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    /// <summary><see cref="RemoteEndPoint"/> as text, formatted once on first use (the API and dashboard
    /// list sessions often; an idle session that is never listed never pays for the string).</summary>
    public string? RemoteEndPointText => RemoteEndPoint is null ? null : _remoteEndPointText ??= RemoteEndPoint.ToString();

    /// <summary><see cref="LocalEndPoint"/> as text, formatted once on first use.</summary>
    public string? LocalEndPointText => LocalEndPoint is null ? null : _localEndPointText ??= LocalEndPoint.ToString();

    public DateTimeOffset ConnectedAt { get; }

    public bool Encrypted { get; }

    public bool IsClosed => Volatile.Read(ref _closeReason) != 0;

    public CloseReason? CloseReason => Volatile.Read(ref _closeReason) is var r and > 0 ? (CloseReason)(r - 1) : null;

    public string? CloseDetail => Volatile.Read(ref _closeDetail);

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Bytes received so far; like the other counters, read without a snapshot (for totals).</summary>
    public long BytesIn => Volatile.Read(ref _bytesIn);

    public long BytesOut => Volatile.Read(ref _bytesOut);

    public long FramesIn => Volatile.Read(ref _framesIn);

    public long FramesOut => Volatile.Read(ref _framesOut);

    public SessionHistory History => _history;

    /// <summary>The connection's socket, for socket options; null on a transport without one.</summary>
    public System.Net.Sockets.Socket? Socket => _connection.Features.Get<IConnectionSocketFeature>()?.Socket;

    /// <summary>The last time a byte went either way, in UTC ticks; for the idle sweep.</summary>
    public long LastActivityTicks => Math.Max(
        Math.Max(Volatile.Read(ref _lastReceivedTicks), Volatile.Read(ref _lastSentTicks)),
        ConnectedAt.UtcTicks);

    /// <summary>The frames recorded for this session's watchers (dashboard viewers), newest kept; null
    /// while nobody watches. The publisher reads it at each flush, so watching costs the session one
    /// copy into a reused slot per frame and no allocation or event.</summary>
    public SessionHistory? WatchRing => Volatile.Read(ref _watchRing);

    /// <summary>The last reads off the socket, unframed, kept while the session is watched; null otherwise.</summary>
    public RawReadRing? RawReads => Volatile.Read(ref _rawReads);

    /// <summary>Someone (a dashboard viewer) wants this session's traffic: the first watcher creates the
    /// ring of at most <paramref name="frames"/> frames and <paramref name="maxBytes"/> bytes, with
    /// <paramref name="previewBytes"/> of each frame. Viewers of a session share its one ring.</summary>
    public void AddWatcher(int frames, int previewBytes, int maxBytes)
    {
        lock (WatchGate)
        {
            if (++_watchers == 1)
            {
                Volatile.Write(ref _watchRing, new SessionHistory(frames, previewBytes, maxBytes));
                Volatile.Write(ref _rawReads, new RawReadRing());
            }
        }
    }

    /// <summary>One watcher fewer; the last one takes the ring with it.</summary>
    public void RemoveWatcher()
    {
        lock (WatchGate)
        {
            if (--_watchers == 0)
            {
                Volatile.Write(ref _watchRing, null);
                Volatile.Write(ref _rawReads, null);
            }
        }
    }

    /// <summary>Clears the changed flag; the next change publishes a Changed event again.</summary>
    public void AcknowledgeChange() => Volatile.Write(ref _changed, 0);

    /// <summary>
    /// Queues a payload for the writer loop. The payload must already be valid for the listener's
    /// codec (see <c>FrameCodec.TryValidatePayload</c>). Never blocks; a queue over its limit closes
    /// the session as SlowConsumer.
    /// </summary>
    public SendResult Enqueue(ReadOnlySpan<byte> payload) => Enqueue(OutboundFrame.Copy(payload), wake: true);

    /// <inheritdoc cref="Enqueue(ReadOnlySpan{byte})" />
    /// <param name="payload">The payload.</param>
    /// <param name="wake">False to leave the writer asleep until <see cref="FlushOutbound"/>: a fan-out
    /// queues a slice of frames to every peer first, then wakes each peer once.</param>
    public SendResult Enqueue(ReadOnlySpan<byte> payload, bool wake) => Enqueue(OutboundFrame.Copy(payload), wake);

    /// <inheritdoc cref="Enqueue(ReadOnlySpan{byte})" />
    /// <param name="payload">The payload.</param>
    /// <param name="wake">False to leave the writer asleep until <see cref="FlushOutbound"/>: the read loop
    /// queues every echo of one read first, so they go out in one flush.</param>
    public SendResult Enqueue(in System.Buffers.ReadOnlySequence<byte> payload, bool wake = true) => Enqueue(OutboundFrame.Copy(payload), wake);

    /// <summary>Wakes the writer for frames queued with <c>wake: false</c>.</summary>
    public void FlushOutbound() => _outbound.Wake();

    /// <summary>
    /// Closes the session once; later calls do nothing and return false. Kicks, errors and slow
    /// consumers drop what is queued; a client that closed, a server shutdown and a framing violation
    /// (the echoes of the frames before the bad one) let the queue drain first.
    /// </summary>
    public bool Close(CloseReason reason, string? detail = null)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason + 1, 0) != 0)
        {
            return false;
        }

        Volatile.Write(ref _closeDetail, detail);
        Volatile.Write(ref _closedAtTicks, DateTime.UtcNow.Ticks);
        var drain = reason is Sessions.CloseReason.ClientClosed or Sessions.CloseReason.ServerShutdown or Sessions.CloseReason.FrameTooLarge or Sessions.CloseReason.InvalidFrame;
        Volatile.Write(ref _drainOnClose, drain ? 1 : 0);

        _outbound.Complete();
        _connection.Transport.Input.CancelPendingRead();
        if (!drain)
        {
            _connection.Transport.Output.CancelPendingFlush();
        }

        if (reason == Sessions.CloseReason.SlowConsumer)
        {
            // The peer is not reading: nothing queued will get through, so do not wait for it.
            _connection.Abort(new ConnectionAbortedException(detail ?? "Slow consumer."));
        }

        MarkChanged();
        return true;
    }

    /// <summary>Tears the connection down now, without draining (the end of a shutdown's grace period).</summary>
    public void Abort(string reason)
    {
        Close(Sessions.CloseReason.ServerShutdown, reason);
        _connection.Abort(new ConnectionAbortedException(reason));
    }

    public SessionInfo Snapshot()
    {
        var closed = CloseReason;
        var closedAt = Volatile.Read(ref _closedAtTicks);
        return new SessionInfo(
            Id,
            Listener.Name,
            RemoteEndPointText,
            LocalEndPointText,
            ConnectedAt,
            ToTimestamp(Volatile.Read(ref _lastReceivedTicks)),
            ToTimestamp(Volatile.Read(ref _lastSentTicks)),
            BytesIn,
            BytesOut,
            FramesIn,
            FramesOut,
            QueuedBytes,
            Encrypted,
            closed is null ? null : ToTimestamp(closedAt),
            closed,
            closed is null ? null : CloseDetail,
            DeviceId: DeviceId,
            LastMessage: LastMessage());
    }

    /// <summary>The newest received frame in the history, previewed; null when there is none.</summary>
    private string? LastMessage() =>
        _history.NewestReceived(MessagePreview.MaxBytes, out var length) is { } bytes ? MessagePreview.Of(bytes, length) : null;

    /// <summary>Runs the session until it closes: the read loop here, the write loop beside it.</summary>
    public async Task RunAsync()
    {
        var lifetime = _connection.Features.Get<IConnectionLifetimeNotificationFeature>();
        using var shutdown = lifetime?.ConnectionClosedRequested.Register(
            static state => ((Session)state!).Close(Sessions.CloseReason.ServerShutdown, "The server is shutting down."), this);

        var writing = WriteLoopAsync();
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            // Whatever ended the read loop, the writer finishes (drains or drops) and stops.
            _outbound.Complete();
            await writing.ConfigureAwait(false);
            Close(Sessions.CloseReason.Error, "The session ended without a recorded reason.");

            // Both loops have ended, so nothing records any more: the history's bytes go back to the budget.
            _history.Release();
        }
    }

    /// <summary>
    /// Queues an operator's payload (send, broadcast). Like <see cref="Enqueue(ReadOnlySpan{byte})"/>, but
    /// when the server's outbound budget is in use the session is left open and the result is
    /// <see cref="SendResult.ServerBusy"/>: an operator's broadcast must not close healthy sessions.
    /// </summary>
    /// <param name="payload">The payload.</param>
    /// <param name="wake">False to leave the writer asleep until <see cref="FlushOutbound"/> (a slice of a broadcast).</param>
    public SendResult EnqueueCommand(ReadOnlySpan<byte> payload, bool wake = true) => Enqueue(OutboundFrame.Copy(payload), wake, closeWhenBudgetInUse: false);

    private SendResult Enqueue(OutboundFrame frame, bool wake, bool closeWhenBudgetInUse = true)
    {
        var queued = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (queued > _outboundLimit && queued != frame.Length)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            frame.Return();
            if (Close(Sessions.CloseReason.SlowConsumer, $"More than {_outboundLimit} bytes were waiting to be sent."))
            {
                _logger.SlowConsumer(Id, _outboundLimit);
            }

            return SendResult.SlowConsumer;
        }

        if (queued > OutboundBudget.FreeBytes + Volatile.Read(ref _outboundCredit) && !TakeOutboundCredit(queued))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            frame.Return();
            if (!closeWhenBudgetInUse)
            {
                return SendResult.ServerBusy;
            }

            var budget = Listener.OutboundBudget.Limit;
            if (Close(Sessions.CloseReason.SlowConsumer, $"{queued} bytes were waiting to be sent and the server's outbound budget of {budget} bytes (MaxTotalOutboundBytes) is in use."))
            {
                _logger.OutboundBudgetInUse(Id, budget);
            }

            return SendResult.SlowConsumer;
        }

        if (!_outbound.TryWrite(frame, wake))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            frame.Return();
            return SendResult.Closed;
        }

        return SendResult.Queued;
    }

    private void MarkChanged()
    {
        if (Volatile.Read(ref _changed) == 0 && Interlocked.Exchange(ref _changed, 1) == 0)
        {
            _events.Publish(new SessionEvent(SessionEventKind.Changed, this));
        }
    }

    /// <summary>Sets the listener's TCP keepalive on the socket (when it has one). Called before the
    /// session is registered, so whoever finds the session finds its socket configured.</summary>
    public void ConfigureKeepAlive()
    {
        var options = Listener.Options;
        if (!options.KeepAlive || Socket is not { } socket)
        {
            return;
        }

        try
        {
            socket.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveTime, (int)options.KeepAliveTime.TotalSeconds);
            socket.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveInterval, (int)options.KeepAliveInterval.TotalSeconds);
            socket.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveRetryCount, 5);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            _logger.KeepAliveFailed(Id, ex.Message);
        }
    }

    private static DateTimeOffset? ToTimestamp(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
