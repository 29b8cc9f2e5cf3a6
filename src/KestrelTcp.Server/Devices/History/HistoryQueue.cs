using System.Buffers;
using System.Collections.Concurrent;
using KestrelTcp.Server.Sessions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices.History;

/// <summary>
/// The data path's side of the device history: each listener's <see cref="IFrameArchive"/> when history is
/// on. A frame is copied (cut to <see cref="DeviceHistoryOptions.MaxFrameBytes"/>) into a lock-free queue
/// bounded in frames and bytes; past either bound it is dropped and counted, never waited for. The one
/// <see cref="HistoryWriter"/> takes the frames off it in batches.
/// </summary>
internal sealed class HistoryQueue : IFrameArchive
{
    private readonly ConcurrentQueue<ArchivedFrame> _frames = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly int _maxFrameBytes;
    private readonly int _maxFrames;
    private readonly long _maxBytes;
    private int _count;
    private long _bytes;
    private long _accepted;
    private long _dropped;
    private int _sleeping;

    public HistoryQueue(ListenerCatalog listeners, IOptions<DeviceHistoryOptions> options)
    {
        var value = options.Value;
        _maxFrameBytes = value.MaxFrameBytes;
        _maxFrames = value.MaxQueuedFrames;
        _maxBytes = value.MaxQueuedBytes;
        Enabled = value.Enabled ?? listeners.All.Any(l => l.Identifier is not null);
        if (Enabled)
        {
            foreach (var listener in listeners.All)
            {
                listener.AttachArchive(this);
            }
        }
    }

    /// <summary>Whether history is on (<c>Devices:History:Enabled</c>, or any listener identifies).</summary>
    public bool Enabled { get; }

    public int MaxFrames => _maxFrames;

    public long MaxBytes => _maxBytes;

    /// <summary>Frames waiting for the writer.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes of payload waiting for the writer.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Frames taken into the queue since start.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Frames dropped from history since start because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Archive(Session session, FrameDirection direction, ReadOnlySpan<byte> payload, long atTicks)
    {
        var kept = Math.Min(payload.Length, _maxFrameBytes);
        if (!TryReserve(kept))
        {
            return;
        }

        var copy = kept == 0 ? [] : payload[..kept].ToArray();
        Enqueue(new ArchivedFrame(session.DeviceId!, session.Id, session.Listener.Name, direction, atTicks, payload.Length, copy));
    }

    public void Archive(Session session, FrameDirection direction, in ReadOnlySequence<byte> payload, long atTicks)
    {
        var kept = (int)Math.Min(payload.Length, _maxFrameBytes);
        if (!TryReserve(kept))
        {
            return;
        }

        var copy = kept == 0 ? [] : payload.Slice(0, kept).ToArray();
        Enqueue(new ArchivedFrame(session.DeviceId!, session.Id, session.Listener.Name, direction, atTicks, (int)Math.Min(payload.Length, int.MaxValue), copy));
    }

    /// <summary>Takes the oldest waiting frame, for the writer.</summary>
    public bool TryTake(out ArchivedFrame frame)
    {
        if (!_frames.TryDequeue(out frame))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -frame.Payload.Length);
        return true;
    }

    /// <summary>For the writer: waits until a frame is queued, <paramref name="timeout"/> passes or
    /// <paramref name="cancellationToken"/> is cancelled. Returns at once when frames are waiting.</summary>
    public void WaitForFrames(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Say "asleep" first, then look: a producer that queues after the look sees the flag and wakes us.
        Interlocked.Exchange(ref _sleeping, 1);
        if (_frames.IsEmpty)
        {
            try
            {
                _signal.Wait(timeout, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the writer drains what is left.
            }
        }

        Interlocked.Exchange(ref _sleeping, 0);
    }

    private bool TryReserve(int bytes)
    {
        // A full queue (the writer behind) is the case that must cost least: one read, one count.
        if (Volatile.Read(ref _count) >= _maxFrames)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        if (Interlocked.Increment(ref _count) > _maxFrames)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        if (Interlocked.Add(ref _bytes, bytes) > _maxBytes)
        {
            Interlocked.Add(ref _bytes, -bytes);
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return false;
        }

        return true;
    }

    private void Enqueue(in ArchivedFrame frame)
    {
        _frames.Enqueue(frame);
        Interlocked.Increment(ref _accepted);
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            _signal.Release();
        }
    }
}
