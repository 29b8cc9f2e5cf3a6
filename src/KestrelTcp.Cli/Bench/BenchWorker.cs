using System.Buffers;
using System.Diagnostics;
using KestrelTcp.Client;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// One bench connection. It keeps <c>depth</c> frames in flight: each reply is timed against the send time
/// of the oldest outstanding frame (an echo server answers in order) and, while the run lasts, answered by
/// sending the next frame from the receive loop. Replies are counted without copying them.
/// </summary>
internal sealed class BenchWorker : IAsyncDisposable
{
    private readonly BenchSettings _settings;
    private readonly LatencyRecorder _latency;
    private readonly Func<bool> _isSending;
    private readonly byte[] _payload;
    private readonly long[] _sentAt;
    private readonly bool _raw;
    private readonly object _inFlightLock = new();
    private readonly KestrelTcpClient _client;
    private int _oldest;
    private int _inFlight;
    private long _rawBytes;
    private long _replies;
    private int _stopping;

    public BenchWorker(BenchSettings settings, byte[] payload, LatencyRecorder latency, Func<bool> isSending, Action<DisconnectedEventArgs> lost)
    {
        _settings = settings;
        _latency = latency;
        _isSending = isSending;
        _payload = payload;
        _sentAt = new long[settings.Depth];
        _raw = settings.Connection.Framing.Kind == FramingKind.Raw;
        var options = settings.Connection.CreateClientOptions();
        options.OnFrame = OnFrame;

        // Room for every frame in flight, so that sending from the receive loop never waits.
        var frameBytes = options.Framing.CreateCodec().GetEncodedLength(payload.Length);
        options.MaxPendingSendBytes = (int)Math.Clamp(frameBytes * settings.Depth * 2, KestrelTcpClientOptions.DefaultMaxPendingSendBytes, int.MaxValue);
        _client = new KestrelTcpClient(options);
        _client.Disconnected += (_, e) =>
        {
            if (Volatile.Read(ref _stopping) == 0)
            {
                lost(e);
            }
        };
    }

    /// <summary>Replies received so far (read by the progress thread; a little stale is fine).</summary>
    public long Replies => Volatile.Read(ref _replies);

    public Task ConnectAsync(CancellationToken cancellationToken) =>
        _client.ConnectAsync(_settings.Connection.Target.Host, _settings.Connection.Target.Port, cancellationToken);

    /// <summary>Fills the pipeline: <c>depth</c> frames.</summary>
    public void Start()
    {
        for (var i = 0; i < _settings.Depth; i++)
        {
            SendOne();
        }
    }

    public ValueTask DisposeAsync()
    {
        // In-flight replies are of no interest once the run is over: close at once.
        Volatile.Write(ref _stopping, 1);
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnFrame(in ReadOnlySequence<byte> frame)
    {
        var replies = 1L;
        if (_raw)
        {
            // Raw framing has no frame boundaries: every `size` bytes echoed count as one reply.
            _rawBytes += frame.Length;
            replies = _rawBytes / _payload.Length;
            _rawBytes %= _payload.Length;
        }

        for (var i = 0; i < replies; i++)
        {
            OnReply();
        }
    }

    private void OnReply()
    {
        var now = Stopwatch.GetTimestamp();
        long sentAt;
        lock (_inFlightLock)
        {
            Volatile.Write(ref _replies, _replies + 1);
            if (_inFlight == 0)
            {
                // A frame nobody asked for (not an echo server?): counted, but it has no latency.
                return;
            }

            sentAt = _sentAt[_oldest];
            _oldest = (_oldest + 1) % _sentAt.Length;
            _inFlight--;

            // The next frame goes out now, stamped with the same clock reading.
            if (_isSending())
            {
                SendLocked(now);
            }
        }

        _latency.Record(now - sentAt);
    }

    private void SendOne()
    {
        lock (_inFlightLock)
        {
            SendLocked(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Stamps and queues one frame. Under <see cref="_inFlightLock"/>, so that the order of the
    /// timestamps is the order of the frames on the wire.</summary>
    private void SendLocked(long timestamp)
    {
        _sentAt[(_oldest + _inFlight) % _sentAt.Length] = timestamp;
        _inFlight++;
        try
        {
            _client.Send(_payload, millisecondsTimeout: 10_000);
        }
        catch (IOException)
        {
            // The connection is gone; the Disconnected event reports it.
        }
        catch (TimeoutException)
        {
            // Cannot happen with room for every frame in flight; the run's reply count shows the stall if it does.
        }
    }
}
