using System.Buffers;
using System.Buffers.Binary;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster.Relay;

/// <summary>
/// One Broker listener's frames waiting to go to the other nodes: the <see cref="IBrokerRelay"/> its read
/// loops hand frames to, drained by one relay loop (<see cref="ListenerRelay"/>). Each frame is copied, as
/// it arrives, straight into the message it will travel in (a pooled buffer of
/// <see cref="BrokerRelayOptions.RelayMaxBatchBytes"/>, header space reserved), so the relay loop publishes
/// a buffer as it is, many frames in one PUBLISH, in the order the frames arrived.
/// <para>Cost on a read loop: one short lock (held for the copy only, never across I/O or a wait), the copy,
/// and a wake-up of the relay loop when it sleeps. No allocation: buffers come from the pool (a new one
/// only when one fills), and the ring of full buffers grows only until it holds the queue's bound.</para>
/// <para>Bounded: buffers taken (filling, full, being published) by <see cref="BrokerRelayOptions.RelayMaxQueueBytes"/>
/// and frames held by <see cref="BrokerRelayOptions.RelayMaxQueueFrames"/>. Beyond either, the frame is not
/// kept (it still reaches this node's sessions), and it is counted in <see cref="DroppedFrames"/>.</para>
/// </summary>
internal sealed class RelayQueue : IBrokerRelay
{
    private readonly Lock _gate = new();
    private readonly int _headerBytes;
    private readonly int _batchBytes;
    private readonly long _maxBytes;
    private readonly int _maxFrames;

    // Under _gate: the buffer being filled, the full ones in order, and what all buffers taken hold.
    private byte[]? _filling;
    private int _fillingLength;
    private int _fillingFrames;
    private RelayBatch[] _full = new RelayBatch[4];
    private int _fullHead;
    private int _fullCount;
    private long _heldBytes;
    private int _heldFrames;

    private long _acceptedFrames;
    private long _droppedFrames;

    // The relay loop's wake-up: it raises _waiting, then looks for work; a producer adds, then looks at the flag.
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;
    private int _dropsUnreported;

    public RelayQueue(BrokerRelayOptions options, int headerBytes)
    {
        _headerBytes = headerBytes;
        _batchBytes = options.RelayMaxBatchBytes;
        _maxBytes = options.RelayMaxQueueBytes;
        _maxFrames = options.RelayMaxQueueFrames;
    }

    /// <summary>Frames taken for the relay since start.</summary>
    public long AcceptedFrames => Interlocked.Read(ref _acceptedFrames);

    /// <summary>Frames not taken, since start: the queue was at its bound (or a frame could not fit a message).</summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    /// <summary>Bytes of the buffers taken now (filling, waiting, being published).</summary>
    public long HeldBytes
    {
        get
        {
            lock (_gate)
            {
                return _heldBytes;
            }
        }
    }

    public void Relay(ReadOnlySpan<byte> payload)
    {
        bool kept;
        lock (_gate)
        {
            kept = TryReserve(payload.Length, out var destination);
            if (kept)
            {
                BinaryPrimitives.WriteInt32LittleEndian(destination, payload.Length);
                payload.CopyTo(destination[RelayMessage.FramePrefixBytes..]);
            }

            Count(kept);
        }

        WakeAfter(kept);
    }

    public void Relay(in ReadOnlySequence<byte> payload)
    {
        bool kept;
        lock (_gate)
        {
            var length = payload.Length > int.MaxValue ? int.MaxValue : (int)payload.Length;
            kept = TryReserve(length, out var destination);
            if (kept)
            {
                BinaryPrimitives.WriteInt32LittleEndian(destination, length);
                payload.CopyTo(destination[RelayMessage.FramePrefixBytes..]);
            }

            Count(kept);
        }

        WakeAfter(kept);
    }

    /// <summary>Takes the oldest batch to publish (a full buffer, else the one being filled); false when
    /// there is none. The caller publishes it and then calls <see cref="Release"/>.</summary>
    public bool TryTake(out RelayBatch batch)
    {
        lock (_gate)
        {
            if (_fullCount > 0)
            {
                batch = _full[_fullHead];
                _full[_fullHead] = default;
                _fullHead = (_fullHead + 1) & (_full.Length - 1);
                _fullCount--;
                return true;
            }

            if (_filling is { } filling && _fillingFrames > 0)
            {
                batch = new RelayBatch(filling, _fillingLength, _fillingFrames);
                _filling = null;
                return true;
            }

            batch = default;
            return false;
        }
    }

    /// <summary>A taken batch is done with: its bytes and frames leave the bound, and its buffer goes back
    /// to the pool unless <paramref name="returnBuffer"/> is false (a publish that may still be written later
    /// keeps its buffer out of the pool; the collector takes it).</summary>
    public void Release(in RelayBatch batch, bool returnBuffer)
    {
        lock (_gate)
        {
            _heldBytes -= _batchBytes;
            _heldFrames -= batch.Frames;
        }

        if (returnBuffer)
        {
            ArrayPool<byte>.Shared.Return(batch.Buffer);
        }
    }

    /// <summary>Waits until there may be a batch to take (or <paramref name="timeout"/> passes, when given).
    /// Only the relay loop calls it, never twice at once.</summary>
    public async Task WaitAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _signal, signal);
        Interlocked.Exchange(ref _waiting, 1);

        // A frame may have come between the last take and raising the flag: take the flag back and go on.
        if (HasWork() && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            return;
        }

        if (timeout is { } wait)
        {
            await Task.WhenAny(signal.Task, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
            Interlocked.Exchange(ref _waiting, 0);
            cancellationToken.ThrowIfCancellationRequested();
        }
        else
        {
            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The relay loop has reported the drops so far: the next drop wakes it again.</summary>
    public void DropsReported() => Volatile.Write(ref _dropsUnreported, 0);

    /// <summary>Returns every buffer still held to the pool (the relay loop has stopped).</summary>
    public void Clear()
    {
        while (TryTake(out var batch))
        {
            Release(batch, returnBuffer: true);
        }

        lock (_gate)
        {
            if (_filling is { } filling)
            {
                _filling = null;
                _heldBytes -= _batchBytes;
                ArrayPool<byte>.Shared.Return(filling);
            }
        }
    }

    private bool HasWork()
    {
        lock (_gate)
        {
            return _fullCount > 0 || _fillingFrames > 0 && _filling is not null;
        }
    }

    /// <summary>Counts the frame (plain increments: the caller holds _gate, readers read the longs whole).</summary>
    private void Count(bool kept)
    {
        if (kept)
        {
            _acceptedFrames++;
        }
        else
        {
            _droppedFrames++;
        }
    }

    /// <summary>Wakes the relay loop if it sleeps: for a frame kept, and for the first frame dropped since the
    /// loop last reported drops (it logs them, off the read loop); later drops do not wake it again.</summary>
    private void WakeAfter(bool kept)
    {
        if (!kept && (Volatile.Read(ref _dropsUnreported) == 1 || Interlocked.Exchange(ref _dropsUnreported, 1) == 1))
        {
            return;
        }

        // Taking the lock was a full fence, and the relay loop raises its flag before it looks for work.
        if (Volatile.Read(ref _waiting) == 1 && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            Volatile.Read(ref _signal).TrySetResult();
        }
    }

    /// <summary>Room for a frame of <paramref name="length"/> bytes, its prefix included, in the buffer being
    /// filled (a new one when it is full); false when a bound says no. Caller holds _gate.</summary>
    private bool TryReserve(int length, out Span<byte> destination)
    {
        destination = default;
        var needed = (long)RelayMessage.FramePrefixBytes + length;
        if (_heldFrames >= _maxFrames || _headerBytes + needed > _batchBytes)
        {
            return false;
        }

        if (_filling is null || _fillingLength + needed > _batchBytes)
        {
            if (_heldBytes + _batchBytes > _maxBytes)
            {
                return false;
            }

            SealFilling();
            _filling = ArrayPool<byte>.Shared.Rent(_batchBytes);
            _fillingLength = _headerBytes;
            _fillingFrames = 0;
            _heldBytes += _batchBytes;
        }

        destination = _filling.AsSpan(_fillingLength, (int)needed);
        _fillingLength += (int)needed;
        _fillingFrames++;
        _heldFrames++;
        return true;
    }

    /// <summary>Moves the buffer being filled to the full ones (an empty one goes back). Caller holds _gate.</summary>
    private void SealFilling()
    {
        if (_filling is not { } filling)
        {
            return;
        }

        _filling = null;
        if (_fillingFrames == 0)
        {
            _heldBytes -= _batchBytes;
            ArrayPool<byte>.Shared.Return(filling);
            return;
        }

        if (_fullCount == _full.Length)
        {
            var grown = new RelayBatch[_full.Length * 2];
            for (var i = 0; i < _fullCount; i++)
            {
                grown[i] = _full[(_fullHead + i) & (_full.Length - 1)];
            }

            _full = grown;
            _fullHead = 0;
        }

        _full[(_fullHead + _fullCount) & (_full.Length - 1)] = new RelayBatch(filling, _fillingLength, _fillingFrames);
        _fullCount++;
    }
}
