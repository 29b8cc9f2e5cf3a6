using System.Buffers;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    /// <summary>
    /// Decodes every complete frame in each read, then advances past them. It awaits only the socket:
    /// no logging I/O, no SignalR, no cross-session lock. A broker's fan-out is done in slices (see
    /// <see cref="FanOutSliceFull"/>): when a slice is full the loop stops parsing, leaves the rest of the
    /// input where it is and yields the thread (the event loop's, usually) before the next slice, so
    /// the other connections of that thread are served in between. Input left unparsed fills the pipe,
    /// and a full pipe stops the transport reading this socket: a sender whose fan-out cannot keep up is
    /// slowed down, not the thread.
    /// </summary>
    private async Task ReadLoopAsync()
    {
        var input = _connection.Transport.Input;
        var codec = Listener.Codec;
        long unconsumed = 0;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    // Close() asked the loop to stop; the reason is already recorded.
                    input.AdvanceTo(buffer.Start);
                    break;
                }

                var consumed = buffer.Start;
                var examined = buffer.End;
                var remaining = buffer;
                var sliced = false;
                try
                {
                    // One clock read per read: every frame decoded from it arrived at the same time.
                    var arrived = buffer.Length - unconsumed;
                    var now = DateTime.UtcNow.Ticks;
                    if (arrived > 0)
                    {
                        _bytesIn += arrived;
                        Volatile.Write(ref _lastReceivedTicks, now);

                        // The read as it came off the socket, while someone watches (a null check otherwise).
                        Volatile.Read(ref _rawReads)?.Record(buffer.Slice(buffer.Length - arrived), now);
                    }

                    var frames = 0;

                    // A fan-out to more peers than an inline slice may reach does not start on the
                    // transport's thread at all: the first slice already runs on the pool.
                    _fanOutOffLoop = Listener.Mode == ListenerMode.Broker
                        && Listener.ConnectionCount > Math.Min(Listener.Options.FanOutSliceDeliveries, InlineFanOutSliceDeliveries)
                        && !Thread.CurrentThread.IsThreadPoolThread;

                    // A broker's fan-out wakes other sessions' writers (inline), so it records without
                    // holding this session's history lock across frames.
                    using (var history = _history.BeginBatch(hold: Listener.Mode != ListenerMode.Broker))
                    {
                        try
                        {
                            while (true)
                            {
                                // Whole frames inside the first contiguous segment are parsed from a span:
                                // no sequence slicing per frame.
                                var span = remaining.FirstSpan;
                                var offset = 0;
                                while (!FanOutSliceFull && codec.TryParseFrame(span[offset..], out var payloadOffset, out var payloadLength, out var frameLength))
                                {
                                    OnFrameReceived(span.Slice(offset + payloadOffset, payloadLength), span.Slice(offset, frameLength), now, history);
                                    offset += frameLength;
                                    frames++;
                                }

                                if (offset > 0)
                                {
                                    remaining = remaining.Slice(offset);
                                    consumed = remaining.Start;
                                }

                                if (FanOutSliceFull)
                                {
                                    // The rest waits for the next slice: examined up to here only, so the
                                    // next read returns it at once instead of waiting for more bytes.
                                    sliced = true;
                                    examined = consumed;
                                    break;
                                }

                                // A frame split across segments (or a codec without a span parser): the
                                // sequence parser decides, and says how far it examined.
                                if (!codec.TryParseMessage(remaining, ref consumed, ref examined, out var frame))
                                {
                                    break;
                                }

                                OnFrameReceived(frame, now, history);
                                remaining = buffer.Slice(consumed);
                                frames++;
                            }
                        }
                        finally
                        {
                            // Echoes decoded before a bad frame still go out: the framing close below
                            // wakes the writer and drains the queue (a session already closing for
                            // another reason returns them to the pool with the rest of the queue).
                            QueueEchoBlock();

                            // So do the frames relayed to peers: each woken once for the whole slice.
                            EndFanOutSlice();
                        }
                    }

                    if (frames > 0 && Listener.Mode == ListenerMode.Echo)
                    {
                        // Every echo of this read goes out in one flush, written on this thread.
                        FlushOutbound();
                    }

                    if (arrived > 0)
                    {
                        MarkChanged();
                    }

                    if (result.IsCompleted && !sliced)
                    {
                        codec.ThrowIfTruncated(remaining);
                        Close(Sessions.CloseReason.ClientClosed);
                        break;
                    }
                }
                finally
                {
                    unconsumed = remaining.Length;
                    input.AdvanceTo(consumed, examined);
                }

                if (sliced)
                {
                    // Off this thread (the event loop's) to the thread pool: the loop goes back to its
                    // other connections, and the next slice runs when a pool thread takes it.
                    await Task.Yield();
                }
            }
        }
        catch (FramingException ex)
        {
            // Flush what was accepted, then close: the frames decoded before the bad one are queued (see
            // the finally above) but the writer was not woken, and this close drains the queue.
            FlushOutbound();
            var reason = ex.Error == FramingError.FrameTooLarge ? Sessions.CloseReason.FrameTooLarge : Sessions.CloseReason.InvalidFrame;
            if (Close(reason, ex.Message))
            {
                _logger.FramingViolation(Id, reason, ex.Message);
            }
        }
        catch (ConnectionResetException ex)
        {
            Close(Sessions.CloseReason.ConnectionReset, ex.Message);
        }
        catch (ConnectionAbortedException ex)
        {
            Close(Sessions.CloseReason.ConnectionReset, ex.Message);
        }
        catch (IOException ex)
        {
            Close(Sessions.CloseReason.ConnectionReset, ex.Message);
        }
        catch (Exception ex)
        {
            if (Close(Sessions.CloseReason.Error, ex.Message))
            {
                _logger.SessionError(Id, ex);
            }
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <param name="frame">The payload.</param>
    /// <param name="received">The frame as it arrived, framing included, when the whole of it is at hand
    /// (empty otherwise): an echo copies it as it is if the codec frames verbatim.</param>
    /// <param name="now">When the read that held it arrived, in UTC ticks.</param>
    /// <param name="history">The read's history batch.</param>
    private void OnFrameReceived(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> received, long now, scoped in SessionHistory.Batch history)
    {
        _framesIn++;
        if (_identifyFramesLeft != 0)
        {
            Identify(frame);
        }

        history.Record(FrameDirection.In, frame, now);
        Volatile.Read(ref _watchRing)?.Record(FrameDirection.In, frame, now);

        // A device's frames go to the durable history (null, and nothing more, for an unidentified session).
        _archive?.Archive(this, FrameDirection.In, frame, now);

        switch (Listener.Mode)
        {
            case ListenerMode.Echo:
                if (!received.IsEmpty && Listener.Codec.ReframesVerbatim)
                {
                    received.CopyTo(EchoSpace(received.Length));
                    _echoLength += received.Length;
                }
                else
                {
                    var encoded = EchoSpace((int)Listener.Codec.GetEncodedLength(frame.Length));
                    _echoLength += Listener.Codec.Encode(frame, encoded);
                }

                _echoFrames++;
                break;
            case ListenerMode.Broker:
                // To the other nodes (clustered only; a single node pays this null check and nothing else).
                Listener.Relay?.Relay(frame);
                CountFanOut(frame.Length);
                if (!received.IsEmpty && Listener.Codec.ReframesVerbatim)
                {
                    received.CopyTo(RelaySpace(received.Length));
                    _relayLength += received.Length;
                }
                else
                {
                    var encoded = RelaySpace((int)Listener.Codec.GetEncodedLength(frame.Length));
                    _relayLength += Listener.Codec.Encode(frame, encoded);
                }

                _relayFrames++;
                break;
        }
    }

    private void OnFrameReceived(in ReadOnlySequence<byte> frame, long now, scoped in SessionHistory.Batch history)
    {
        if (frame.IsSingleSegment)
        {
            OnFrameReceived(frame.FirstSpan, default, now, history);
            return;
        }

        _framesIn++;
        if (_identifyFramesLeft != 0)
        {
            Identify(frame);
        }

        history.Record(FrameDirection.In, frame, now);
        Volatile.Read(ref _watchRing)?.Record(FrameDirection.In, frame, now);
        _archive?.Archive(this, FrameDirection.In, frame, now);

        switch (Listener.Mode)
        {
            case ListenerMode.Echo:
                var encoded = EchoSpace((int)Listener.Codec.GetEncodedLength(frame.Length));
                _echoLength += Listener.Codec.Encode(frame, encoded);
                _echoFrames++;
                break;
            case ListenerMode.Broker:
                Listener.Relay?.Relay(frame);
                CountFanOut((int)frame.Length);
                var relayed = RelaySpace((int)Listener.Codec.GetEncodedLength(frame.Length));
                _relayLength += Listener.Codec.Encode(frame, relayed);
                _relayFrames++;
                break;
        }
    }

    /// <summary>
    /// Whether the broker fan-out slice under way is full: it has made
    /// <see cref="ListenerOptions.FanOutSliceDeliveries"/> deliveries (frames times peers), or queued
    /// <see cref="MaxFanOutSliceBytes"/> in all, or a quarter of a peer's outbound limit for each peer
    /// (peers are woken only at the end of a slice, and a fast reader must never look like a slow one).
    /// A slice holds at least one frame, except that a read on the transport's thread for a broker with
    /// more peers than an inline slice's deliveries starts with an empty one (it moves to the
    /// pool before relaying anything). Always false outside Broker mode.
    /// </summary>
    private bool FanOutSliceFull => _fanOutPeers is null
        ? _fanOutOffLoop
        : (_sliceDeliveries >= _sliceDeliveryLimit
            || _slicePeerBytes >= _outboundLimit / 4
            || _sliceBytes >= MaxFanOutSliceBytes);

    /// <summary>Counts a relayed frame of <paramref name="length"/> bytes into the slice; the first frame of a
    /// slice takes the listener's snapshot of its sessions (the peers, and this session, skipped).</summary>
    private void CountFanOut(int length)
    {
        if (_fanOutPeers is null)
        {
            // On the transport's own thread (an event loop: not a pool thread) only a short slice runs
            // before the rest moves to the thread pool, where the full slices run.
            _sliceDeliveryLimit = Thread.CurrentThread.IsThreadPoolThread
                ? Listener.Options.FanOutSliceDeliveries
                : Math.Min(Listener.Options.FanOutSliceDeliveries, InlineFanOutSliceDeliveries);
        }

        var peers = _fanOutPeers ??= Listener.SessionsSnapshot();
        var others = Math.Max(0, peers.Length - 1);
        _sliceDeliveries += others;
        _slicePeerBytes += length;
        _sliceBytes += (long)length * others;
    }

    /// <summary>
    /// Room for <paramref name="needed"/> bytes in the relay block, where a broker session frames the
    /// frames it relays: every peer's queue then holds one reference to the block (one pooled buffer for
    /// all of them, one queue item each) instead of a copy of every frame. A full block goes to the peers
    /// at once, unwoken.
    /// </summary>
    private Span<byte> RelaySpace(int needed)
    {
        if (_relayBlock is null || _relayBlock.Length - _relayLength < needed)
        {
            RelayBlock();
            _relayBlock = ArrayPool<byte>.Shared.Rent(Math.Max(needed, RelayBlockBytes));
        }

        return _relayBlock.AsSpan(_relayLength);
    }

    /// <summary>Queues the relay block for every peer of the slice (without waking them): handed over whole
    /// to a single peer, shared by reference among several (the last one to write it returns it to the pool).</summary>
    private void RelayBlock()
    {
        if (_relayBlock is not { } block)
        {
            return;
        }

        _relayBlock = null;
        var length = _relayLength;
        var frames = _relayFrames;
        _relayLength = 0;
        _relayFrames = 0;
        var peers = _fanOutPeers ?? [];
        Session? only = null;
        var others = 0;
        foreach (var other in peers)
        {
            if (!ReferenceEquals(other, this))
            {
                only = other;
                others++;
            }
        }

        if (frames == 0 || only is null)
        {
            ArrayPool<byte>.Shared.Return(block);
            return;
        }

        if (others == 1)
        {
            only.Enqueue(OutboundFrame.Encoded(block, length, frames), wake: false);
            return;
        }

        // One reference per peer, and this one, released last: a peer that writes its reference at once
        // (its writer may run on another thread) cannot return the buffer while others are still queued.
        var shared = new SharedBlock(block, others + 1);
        foreach (var other in peers)
        {
            if (!ReferenceEquals(other, this))
            {
                other.Enqueue(OutboundFrame.Shared(shared, length, frames), wake: false);
            }
        }

        shared.Release();
    }

    /// <summary>Queues a block of frames relayed from another node (already framed by this listener's codec)
    /// without waking the writer, under the same limits as the local fan-out: over them, SlowConsumer.</summary>
    internal SendResult EnqueueRelayed(OutboundFrame block) => Enqueue(block, wake: false);

    /// <summary>Hands the slice's relay block to its peers, wakes each of them once (their writers may run
    /// right here, inline) and starts a new slice.</summary>
    private void EndFanOutSlice()
    {
        if (_fanOutPeers is not { } peers)
        {
            return;
        }

        RelayBlock();
        _fanOutPeers = null;
        _sliceDeliveries = 0;
        _slicePeerBytes = 0;
        _sliceBytes = 0;
        foreach (var other in peers)
        {
            if (!ReferenceEquals(other, this))
            {
                other.FlushOutbound();
            }
        }
    }

    /// <summary>
    /// Room for <paramref name="needed"/> bytes in the read's echo block, where the echoes of a read are
    /// framed: one pooled buffer and one queue item for all of them instead of one per frame.
    /// </summary>
    private Span<byte> EchoSpace(int needed)
    {
        if (_echoBlock is null || _echoBlock.Length - _echoLength < needed)
        {
            QueueEchoBlock();
            _echoBlock = ArrayPool<byte>.Shared.Rent(Math.Max(needed, EchoBlockBytes));
        }

        return _echoBlock.AsSpan(_echoLength);
    }

    /// <summary>Hands the echo block to the outbound queue (without waking the writer), if it holds anything.</summary>
    private void QueueEchoBlock()
    {
        if (_echoBlock is not { } block)
        {
            return;
        }

        _echoBlock = null;
        if (_echoFrames == 0)
        {
            ArrayPool<byte>.Shared.Return(block);
            return;
        }

        var encoded = OutboundFrame.Encoded(block, _echoLength, _echoFrames);
        _echoLength = 0;
        _echoFrames = 0;
        Enqueue(encoded, wake: false);
    }
}
