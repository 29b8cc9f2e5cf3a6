using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using static KestrelTcp.Server.Hosting.EventLoop.LinuxSockets;

namespace KestrelTcp.Server.Hosting.EventLoop;

/// <summary>
/// A TCP connection served by an <see cref="EventLoop"/>. Receiving happens only on the loop thread;
/// sending happens on whichever thread flushes the output pipe (the session's writer, usually the loop
/// thread itself), and waits for the loop to report the socket writable only when the kernel's send
/// buffer is full. An idle connection holds no buffer: memory is taken when epoll says data is there.
/// </summary>
internal sealed class EventLoopConnection : ConnectionContext,
    IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature, IConnectionLifetimeFeature,
    IConnectionEndPointFeature, IConnectionSocketFeature, IValueTaskSource<bool>
{
    /// <summary>The first read of a wake-up asks for this much; reads that fill their buffer double it.</summary>
    private const int MinReadBytes = 4096;
    private const int MaxReadBytes = 64 * 1024;

    /// <summary>Reads per wake-up before the loop moves on to other connections (it comes back: level-triggered).</summary>
    private const int MaxReadsPerWake = 4;

    private const int MaxSendVectors = 64;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly EventLoop _loop;
    private readonly ILogger _logger;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _closedOnLoop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GCHandle _handle;
    private ManualResetValueTaskSourceCore<bool> _writable;
    private Task _sending = Task.CompletedTask;
    private IFeatureCollection? _features;
    private IDictionary<object, object?>? _items;
    private CancellationTokenSource? _closedTokenSource;
    private ConnectionAbortedException? _abortReason;
    private int _readSize = MinReadBytes;

    // Guarded by _gate: what epoll watches for (0: not registered) and why.
    private int _interest;
    private bool _readPaused;
    private bool _inputDone;
    private bool _waitingWritable;
    private bool _aborted;
    private bool _closed;
    private bool _closedFired;

    // Guarded by _gate: the reset the sender saw. Its send took the socket's error and the shutdown after
    // it makes the next recv return 0, so without this the read side would take a reset for a clean end.
    private ConnectionResetException? _sendReset;

    public EventLoopConnection(Socket socket, EventLoop loop, PipeOptions inputOptions, PipeOptions outputOptions, ILogger logger)
    {
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _loop = loop;
        _logger = logger;
        _input = new Pipe(inputOptions);
        _output = new Pipe(outputOptions);
        _writable.RunContinuationsAsynchronously = false;
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        ConnectionId = ConnectionIds.Next();
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
    }

    public override string ConnectionId { get; set; }

    public override IDuplexPipe Transport { get; set; }

    public override IFeatureCollection Features => _features ??= CreateFeatures();

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override EndPoint? LocalEndPoint { get; set; }

    /// <summary>The accepted socket, for socket options (keepalive); reading and writing go through the loop.</summary>
    public Socket Socket => _socket;

    public override EndPoint? RemoteEndPoint { get; set; }

    public override CancellationToken ConnectionClosed
    {
        get
        {
            lock (_gate)
            {
                if (_closedTokenSource is null)
                {
                    _closedTokenSource = new CancellationTokenSource();
                    if (_closedFired)
                    {
                        _closedTokenSource.Cancel();
                    }
                }

                return _closedTokenSource.Token;
            }
        }

        set => throw new NotSupportedException("The transport owns the connection's closed token.");
    }

    /// <summary>Registers the socket with its loop and starts the sender. Called once, by the listener.</summary>
    public void Start()
    {
        _handle = GCHandle.Alloc(this);
        _sending = SendLoopAsync();
        lock (_gate)
        {
            UpdateInterest();
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        lock (_gate)
        {
            if (_closed || _aborted)
            {
                return;
            }

            _aborted = true;
            _abortReason = abortReason;

            // Both directions end now: the loop's next read sees the end, a blocked send fails.
            LinuxSockets.Shutdown(_fd, SHUT_RDWR);
        }

        _output.Reader.CancelPendingRead();
        SignalWritable(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _sending.ConfigureAwait(false);
        }
        finally
        {
            // Whatever became of the sender, the socket is closed (on its loop, between batches).
            _loop.CloseOnLoop(this);
            await _closedOnLoop.Task.ConfigureAwait(false);
        }

        // The closed token's source is left to the GC, not disposed: it has no timer, and its Cancel may
        // still be queued on the thread pool.
    }

    /// <summary>What epoll reported for this socket; on the loop thread.</summary>
    public void OnEvents(uint events)
    {
        try
        {
            if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0)
            {
                SignalWritable(true);
            }

            if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0 && ReadWanted())
            {
                Receive();
            }
        }
        catch (Exception ex)
        {
            // Nothing here may take the loop thread down: the failure ends this connection only.
            _logger.ConnectionFailed(ConnectionId, ex);
            Abort(new ConnectionAbortedException("The connection failed on its event loop.", ex));
        }
    }

    /// <summary>Takes the socket out of epoll and closes it; on the loop thread, between batches.</summary>
    public void CloseOnLoopThread()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_interest != 0)
            {
                _loop.Control(EPOLL_CTL_DEL, _fd, 0, 0);
                _interest = 0;
            }

            _closed = true;
        }

        _loop.ConnectionRemoved();
        EndInput(null);
        _socket.Dispose();
        if (_handle.IsAllocated)
        {
            _handle.Free();
        }

        _closedOnLoop.TrySetResult();
    }

    private bool ReadWanted()
    {
        lock (_gate)
        {
            return !_closed && !_inputDone && !_readPaused;
        }
    }

    /// <summary>Reads what the socket holds into the input pipe; each flush runs the session's read loop inline.</summary>
    private unsafe void Receive()
    {
        var writer = _input.Writer;
        for (var reads = 0; reads < MaxReadsPerWake; reads++)
        {
            var memory = writer.GetMemory(_readSize);
            nint received;
            fixed (byte* buffer = memory.Span)
            {
                received = LinuxSockets.Receive(_fd, buffer, memory.Length, 0);
            }

            if (received < 0)
            {
                var errno = Errno;
                if (errno == EAGAIN)
                {
                    return;
                }

                if (errno == EINTR)
                {
                    continue;
                }

                EndInput(new ConnectionResetException($"The connection was reset (errno {errno})."));
                return;
            }

            if (received == 0)
            {
                EndInput(null);
                return;
            }

            writer.Advance((int)received);
            var filled = received == memory.Length;
            _readSize = filled ? Math.Min(_readSize * 2, MaxReadBytes) : received < _readSize / 4 ? Math.Max(_readSize / 2, MinReadBytes) : _readSize;

            var flush = writer.FlushAsync();
            if (!flush.IsCompletedSuccessfully)
            {
                // The session has not caught up with what it was given: stop reading until it has.
                PauseReading(flush);
                return;
            }

            if (flush.Result.IsCompleted)
            {
                // The session stopped reading: nothing more is wanted from this socket.
                EndInput(null);
                return;
            }

            if (!filled)
            {
                // A short read drained the socket; epoll says when more arrives.
                return;
            }
        }
    }

    private void PauseReading(ValueTask<FlushResult> flush)
    {
        lock (_gate)
        {
            _readPaused = true;
            UpdateInterest();
        }

        _ = ResumeReadingAsync(flush);
    }

    private async Task ResumeReadingAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pipe failed or was completed: the loop's next read finds out and ends the input.
        }

        lock (_gate)
        {
            _readPaused = false;
            UpdateInterest();
        }
    }

    /// <summary>No more input: the peer closed, the read failed, or the session stopped reading. Loop thread.</summary>
    private void EndInput(Exception? error)
    {
        lock (_gate)
        {
            if (_inputDone)
            {
                return;
            }

            _inputDone = true;
            UpdateInterest();
            if (_aborted)
            {
                error ??= _abortReason;
            }

            error ??= _sendReset;
        }

        _input.Writer.Complete(error);
        FireConnectionClosed();
    }

    private void FireConnectionClosed()
    {
        CancellationTokenSource? source;
        lock (_gate)
        {
            if (_closedFired)
            {
                return;
            }

            _closedFired = true;
            source = _closedTokenSource;
        }

        if (source is not null)
        {
            // Not inline: whoever registered on the token must not run on the loop thread.
            ThreadPool.UnsafeQueueUserWorkItem(static s => ((CancellationTokenSource)s!).Cancel(), source);
        }
    }

    /// <summary>Brings epoll's interest in line with what the connection waits for. Under <see cref="_gate"/>.</summary>
    private void UpdateInterest()
    {
        if (_closed)
        {
            return;
        }

        var wanted = (!_inputDone && !_readPaused ? EPOLLIN : 0) | (_waitingWritable ? EPOLLOUT : 0);
        if (wanted == _interest)
        {
            return;
        }

        var op = _interest == 0 ? EPOLL_CTL_ADD : wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
        if (_loop.Control(op, _fd, wanted, (ulong)GCHandle.ToIntPtr(_handle)) < 0)
        {
            throw new IOException($"epoll_ctl failed for connection {ConnectionId} (errno {Errno}).");
        }

        _interest = wanted;
    }

    /// <summary>Writes what the session flushes. Runs on the flushing thread until the socket's send buffer is full.</summary>
    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                while (!buffer.IsEmpty)
                {
                    var sent = Send(buffer);
                    if (sent >= 0)
                    {
                        buffer = buffer.Slice(sent);
                        continue;
                    }

                    var errno = (int)-sent;
                    if (errno == EINTR)
                    {
                        continue;
                    }

                    if (errno != EAGAIN)
                    {
                        // Kept for the input at once (like Kestrel's socket transport keeps its shutdown
                        // reason): the loop's next recv finds no error left and returns 0.
                        var reset = new ConnectionResetException($"The connection was reset while sending (errno {errno}).");
                        lock (_gate)
                        {
                            _sendReset ??= reset;
                        }

                        throw reset;
                    }

                    if (!await WaitWritableAsync().ConfigureAwait(false))
                    {
                        throw _abortReason ?? new ConnectionAbortedException();
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is ConnectionResetException or ConnectionAbortedException or InvalidOperationException)
        {
            error = ex;
        }
        finally
        {
            lock (_gate)
            {
                // Like Kestrel's socket transport: when the output ends, the connection ends (the read
                // side sees it and completes the input).
                if (!_closed && !_aborted)
                {
                    LinuxSockets.Shutdown(_fd, SHUT_RDWR);
                }
            }

            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    /// <summary>One <c>send</c> (one segment) or <c>sendmsg</c> (several) of as much of
    /// <paramref name="buffer"/> as fits; bytes sent, or minus errno.</summary>
    private unsafe nint Send(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            fixed (byte* data = buffer.FirstSpan)
            {
                return Sent(LinuxSockets.Send(_fd, data, buffer.FirstSpan.Length, MSG_NOSIGNAL));
            }
        }

        var vectors = stackalloc IoVector[MaxSendVectors];
        var message = new MessageHeader { Vectors = vectors };
        var handles = ArrayPool<MemoryHandle>.Shared.Rent(MaxSendVectors);
        var count = 0;
        try
        {
            foreach (var segment in buffer)
            {
                if (segment.IsEmpty)
                {
                    continue;
                }

                handles[count] = segment.Pin();
                vectors[count] = new IoVector { Base = (byte*)handles[count].Pointer, Length = (nuint)segment.Length };
                if (++count == MaxSendVectors)
                {
                    break;
                }
            }

            message.VectorCount = (nuint)count;
            return Sent(LinuxSockets.SendMessage(_fd, &message, MSG_NOSIGNAL));
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                handles[i].Dispose();
            }

            ArrayPool<MemoryHandle>.Shared.Return(handles, clearArray: true);
        }

        static nint Sent(nint result) => result >= 0 ? result : -Errno;
    }

    private ValueTask<bool> WaitWritableAsync()
    {
        _writable.Reset();
        lock (_gate)
        {
            if (_closed || _aborted)
            {
                return new ValueTask<bool>(false);
            }

            _waitingWritable = true;
            UpdateInterest();
        }

        return new ValueTask<bool>(this, _writable.Version);
    }

    private void SignalWritable(bool writable)
    {
        lock (_gate)
        {
            if (!_waitingWritable)
            {
                return;
            }

            _waitingWritable = false;
            UpdateInterest();
        }

        // The sender resumes inline: on the loop thread when epoll said writable.
        _writable.SetResult(writable);
    }

    private FeatureCollection CreateFeatures()
    {
        var features = new FeatureCollection(7);
        features.Set<IConnectionIdFeature>(this);
        features.Set<IConnectionTransportFeature>(this);
        features.Set<IConnectionItemsFeature>(this);
        features.Set<IConnectionLifetimeFeature>(this);
        features.Set<IConnectionEndPointFeature>(this);
        features.Set<IConnectionSocketFeature>(this);
        return features;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _writable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _writable.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _writable.OnCompleted(continuation, state, token, flags);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
