using System.Buffers;
using System.Threading.Channels;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Automation.Recording;

/// <summary>
/// One running recording: a tap on a session's frames (<see cref="IFrameTap"/>) that copies each frame into
/// a bounded queue on the session's loops (full: the frame is dropped and counted), and a writer task that
/// writes them to the file off the data path, until it is stopped, the session closes, or a size bound is hit.
/// </summary>
internal sealed class SessionRecording : IFrameTap
{
    private readonly Channel<Entry> _queue;
    private readonly RecordingOptions _options;
    private readonly Func<long, bool> _reserveTotal;
    private readonly CancellationTokenSource _stop = new();
    private readonly long _startTicks;
    private long _dropped;
    private long _frames;
    private long _bytes;
    private string? _stopReason;
    private bool _full;

    public SessionRecording(Session session, string name, string path, RecordingOptions options, Func<long, bool> reserveTotal)
    {
        Session = session;
        Name = name;
        Path = path;
        _options = options;
        _reserveTotal = reserveTotal;
        StartedAt = DateTimeOffset.UtcNow;
        _startTicks = StartedAt.UtcTicks;
        _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.QueueFrames) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public Session Session { get; }

    public string Name { get; }

    public string Path { get; }

    public DateTimeOffset StartedAt { get; }

    public IFrameArchive? Inner { get; set; }

    public long Frames => Interlocked.Read(ref _frames);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The writer; completes when the file is closed with its footer.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Creates the file (so that it is listed at once) and starts the writer.</summary>
    public void Start()
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 16 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            // Device data: for the server's own user only, like the device history.
            create.UnixCreateMode = Hosting.OwnerOnlyFile.Mode;
        }

        var file = new FileStream(Path, create);
        Completion = Task.Run(() => WriteAsync(file));
    }

    /// <summary>Asks the writer to finish (it writes what is queued, then the footer).</summary>
    public void Stop(string reason)
    {
        Interlocked.CompareExchange(ref _stopReason, reason, null);
        _queue.Writer.TryComplete();
    }

    public void Archive(Session session, FrameDirection direction, ReadOnlySpan<byte> payload, long atTicks)
    {
        Inner?.Archive(session, direction, payload, atTicks);
        var kept = Math.Min(payload.Length, _options.MaxFrameBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(kept, 1));
        payload[..kept].CopyTo(buffer);
        Enqueue(new Entry(direction, buffer, kept, payload.Length, atTicks));
    }

    public void Archive(Session session, FrameDirection direction, in ReadOnlySequence<byte> payload, long atTicks)
    {
        Inner?.Archive(session, direction, payload, atTicks);
        var kept = (int)Math.Min(payload.Length, _options.MaxFrameBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(kept, 1));
        payload.Slice(0, kept).CopyTo(buffer);
        Enqueue(new Entry(direction, buffer, kept, (int)Math.Min(payload.Length, int.MaxValue), atTicks));
    }

    private void Enqueue(Entry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            ArrayPool<byte>.Shared.Return(entry.Buffer);
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteAsync(FileStream created)
    {
        var line = new ArrayBufferWriter<byte>(1024);
        // The footer's room is kept back, so a file never passes its bound even with its footer.
        const int FooterReserve = 256;
        await using var file = created;
        RecordingFormat.WriteHeader(line, Session, StartedAt);
        if (!TryWrite(file, line, FooterReserve))
        {
            Stop("MaxBytesPerRecording reached");
        }

        var reader = _queue.Reader;
        while (true)
        {
            bool more;
            try
            {
                // Wakes once a second to notice that the session closed.
                using var tick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                more = await reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (Session.IsClosed)
                {
                    Stop("session closed");
                }

                await file.FlushAsync().ConfigureAwait(false);
                continue;
            }

            if (!more)
            {
                break;
            }

            while (reader.TryRead(out var entry))
            {
                if (!_full)
                {
                    RecordingFormat.WriteFrame(line, (entry.AtTicks - _startTicks) / (double)TimeSpan.TicksPerMillisecond, entry.Direction, entry.Buffer.AsSpan(0, entry.Length), entry.OriginalLength);
                }

                ArrayPool<byte>.Shared.Return(entry.Buffer);
                if (line.WrittenCount == 0)
                {
                    continue;
                }

                if (TryWrite(file, line, FooterReserve))
                {
                    Interlocked.Increment(ref _frames);
                }
            }

            await file.FlushAsync().ConfigureAwait(false);
        }

        // Frames that arrived after the stop are returned to the pool.
        while (reader.TryRead(out var left))
        {
            ArrayPool<byte>.Shared.Return(left.Buffer);
        }

        RecordingFormat.WriteFooter(line, DateTimeOffset.UtcNow, _stopReason ?? "stopped", Frames, Dropped);
        _reserveTotal(line.WrittenCount);
        file.Write(line.WrittenSpan);
        Interlocked.Add(ref _bytes, line.WrittenCount);
        await file.FlushAsync().ConfigureAwait(false);
        Session.RemoveTap(this);
    }

    /// <summary>Appends the line to the file if both bounds allow it; otherwise stops the recording (naming the bound).</summary>
    private bool TryWrite(FileStream file, ArrayBufferWriter<byte> line, int reserve)
    {
        var length = line.WrittenCount;
        if (Bytes + length + reserve > _options.MaxBytesPerRecording)
        {
            line.Clear();
            _full = true;
            Stop($"MaxBytesPerRecording ({_options.MaxBytesPerRecording}) reached");
            return false;
        }

        if (!_reserveTotal(length))
        {
            line.Clear();
            _full = true;
            Stop("MaxTotalBytes of all recordings reached");
            return false;
        }

        file.Write(line.WrittenSpan);
        Interlocked.Add(ref _bytes, length);
        line.Clear();
        return true;
    }

    private readonly record struct Entry(FrameDirection Direction, byte[] Buffer, int Length, int OriginalLength, long AtTicks);
}
