using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// One bench connection with its own lean data path: a single loop reads the socket, decodes every reply
/// in the read with the shared codec, times each against its own frame's send time (a FIFO ring: an echo
/// server answers in order), and answers all of them with one write of pre-encoded frames, so exactly
/// <c>depth</c> frames stay in flight. The loop owns all its state: no locks and no allocation per frame.
/// </summary>
internal sealed class BenchConnection
{
    /// <summary>Smallest receive buffer: room for hundreds of small replies per read.</summary>
    private const int MinReceiveBuffer = 64 * 1024;

    /// <summary>Largest receive buffer chosen up front; it grows beyond only for a frame that does not fit.</summary>
    private const int MaxReceiveBuffer = 1024 * 1024;

    /// <summary>Free space below which the unparsed tail is moved to the front before the next read.</summary>
    private const int MinReadSpace = 16 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly FrameCodec _codec;
    private readonly BenchFrames _frames;
    private readonly LatencyRecorder _latency;

    /// <summary>Send timestamps of the frames in flight, oldest at <see cref="_oldest"/>.</summary>
    private readonly long[] _sentAt;
    private int _oldest;
    private int _inFlight;

    /// <summary>Frames answered but not sent again yet (only while a write is still pending).</summary>
    private int _owed;
    private Task? _pendingWrite;

    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _rawBytes;
    private long _replies;
    private volatile bool _stopping;

    private BenchConnection(Socket socket, Stream stream, FrameCodec codec, BenchFrames frames, int depth, LatencyRecorder latency)
    {
        _socket = socket;
        _stream = stream;
        _codec = codec;
        _frames = frames;
        _latency = latency;
        _sentAt = new long[depth];
        var buffer = Math.Max(2L * (frames.FrameLength + MinReadSpace), (long)frames.FrameLength * depth);
        _buffer = new byte[(int)Math.Clamp(buffer, MinReceiveBuffer, MaxReceiveBuffer)];
    }

    /// <summary>Replies received so far: written once per read by the loop, read by the progress line (a little stale is fine).</summary>
    public long Replies => Volatile.Read(ref _replies);

    public static async Task<BenchConnection> ConnectAsync(BenchSettings settings, FrameCodec codec, BenchFrames frames, LatencyRecorder latency, CancellationToken cancellationToken)
    {
        var (socket, stream) = await BenchConnector.OpenAsync(settings.Connection, cancellationToken).ConfigureAwait(false);
        return new BenchConnection(socket, stream, codec, frames, settings.Depth, latency);
    }

    /// <summary>
    /// Fills the pipeline and runs the loop until the connection ends. Returns null when it ended because of
    /// <see cref="Stop"/>, else a one-line description of the loss (<c>RemoteClosed</c>, <c>ConnectionReset: …</c>).
    /// </summary>
    /// <param name="isSending">Whether answered frames are sent again; false once the run is over.</param>
    public async Task<string?> RunAsync(Func<bool> isSending)
    {
        // Run on the thread pool, so that the caller can start every connection at once.
        await Task.Yield();
        try
        {
            _owed = _sentAt.Length;
            await SendOwedAsync().ConfigureAwait(false);
            while (true)
            {
                if (_buffer.Length - _end < MinReadSpace)
                {
                    MakeRoom();
                }

                var read = await _stream.ReadAsync(_buffer.AsMemory(_end)).ConfigureAwait(false);
                if (read == 0)
                {
                    _codec.ThrowIfTruncated(new ReadOnlySequence<byte>(_buffer, _start, _end - _start));
                    return _stopping ? null : "RemoteClosed";
                }

                _end += read;
                var answered = OnReceived(Stopwatch.GetTimestamp());
                if (isSending())
                {
                    _owed += answered;
                    await SendOwedAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (_stopping)
        {
            // Closed by Stop: whatever the read or write threw is the close, not a loss.
            return null;
        }
        catch (Exception ex)
        {
            return Describe(ex);
        }
        finally
        {
            // A write still pending fails when the socket closes; observe it so it is not reported as unobserved.
            _ = _pendingWrite?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection; the loop ends and reports no loss. Safe from any thread, more than once.</summary>
    public void Stop()
    {
        _stopping = true;
        _socket.Dispose();
    }

    /// <summary>Decodes every complete reply in the buffer, times the ones that answer a frame in flight,
    /// and returns how many frames that answered (to be sent again).</summary>
    private int OnReceived(long now)
    {
        var data = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        var remaining = data;
        var consumed = data.Start;
        var examined = data.End;
        long replies = 0;
        long rawBytes = 0;
        while (_codec.TryParseMessage(remaining, ref consumed, ref examined, out var frame))
        {
            replies++;
            rawBytes += frame.Length;
            remaining = remaining.Slice(consumed);
        }

        _start = _end - (int)remaining.Length;
        if (_start == _end)
        {
            (_start, _end) = (0, 0);
        }
        if (_frames.Raw)
        {
            // Raw framing has no boundaries: every `size` bytes echoed count as one reply.
            _rawBytes += rawBytes;
            replies = _rawBytes / _frames.PayloadLength;
            _rawBytes -= replies * _frames.PayloadLength;
        }

        if (replies == 0)
        {
            return 0;
        }

        Volatile.Write(ref _replies, _replies + replies);

        // A reply beyond what is in flight was not asked for (not an echo server?): counted, but it has no latency.
        var answered = (int)Math.Min(replies, _inFlight);
        if (answered > 0)
        {
            var shard = _latency.Shard;
            var histogram = shard.Enter();
            var record = _latency.Measuring;
            var ring = _sentAt;
            var oldest = _oldest;
            for (var i = 0; i < answered; i++)
            {
                if (record)
                {
                    histogram.RecordValue(LatencyRecorder.ToRecorded(now - ring[oldest]));
                }

                if (++oldest == ring.Length)
                {
                    oldest = 0;
                }
            }

            shard.Exit();
            _oldest = oldest;
            _inFlight -= answered;
        }

        return answered;
    }

    /// <summary>
    /// Sends the owed frames, a block per write, each stamped with one clock reading. A write that cannot
    /// complete at once is left pending and the loop goes back to reading, so a server that waits for its
    /// replies to be read never deadlocks with us; the rest is sent when the write completes. Only when
    /// nothing is in flight (so nothing can arrive) does the loop wait for the write.
    /// </summary>
    private async ValueTask SendOwedAsync()
    {
        if (_pendingWrite is { } pending)
        {
            if (!pending.IsCompleted && _inFlight > 0)
            {
                return;
            }

            _pendingWrite = null;
            await pending.ConfigureAwait(false);
        }

        while (_owed > 0)
        {
            var count = Math.Min(_owed, _frames.FramesPerBlock);
            var now = Stopwatch.GetTimestamp();
            var ring = _sentAt;
            var slot = _oldest + _inFlight;
            for (var i = 0; i < count; i++, slot++)
            {
                ring[slot >= ring.Length ? slot - ring.Length : slot] = now;
            }

            _inFlight += count;
            _owed -= count;
            var write = _stream.WriteAsync(_frames.Block.AsMemory(0, count * _frames.FrameLength));
            if (!write.IsCompletedSuccessfully)
            {
                _pendingWrite = write.AsTask();
                return;
            }

            write.GetAwaiter().GetResult();
        }
    }

    /// <summary>Moves the unparsed tail to the front, growing the buffer when one frame fills it.</summary>
    private void MakeRoom()
    {
        var pending = _end - _start;
        if (_start == 0)
        {
            // A frame larger than the buffer (the codec has already checked its maximum).
            Array.Resize(ref _buffer, checked(_buffer.Length * 2));
            return;
        }

        _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        _start = 0;
        _end = pending;
    }

    /// <summary>A one-line description of why the connection was lost, for example <c>ConnectionReset: Connection reset by peer</c>.</summary>
    private static string Describe(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case FramingException framing:
                    return $"{framing.Error}: {framing.Message}";
                case SocketException socket:
                    return $"{(socket.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted ? "ConnectionReset" : "Error")}: {socket.Message}";
            }
        }

        return $"{(exception is IOException ? "ConnectionReset" : "Error")}: {exception.Message}";
    }
}
