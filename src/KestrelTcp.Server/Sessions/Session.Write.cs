using System.Buffers;

namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    /// <summary>
    /// The one writer of <c>Transport.Output</c>: takes everything queued, encodes it straight into the
    /// pipe and flushes once per batch, so a burst of small frames becomes few socket writes. A batch's
    /// bytes count as queued (for the session's limit and the server's outbound budget) until its flush
    /// completes: while a peer does not read they sit in the pipe, and must not be forgotten there.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        // Let the read loop start first; the writer has nothing to do until something is queued.
        await Task.Yield();
        var output = _connection.Transport.Output;
        var codec = Listener.Codec;
        var unflushed = 0L;
        try
        {
            while (await _outbound.WaitToReadAsync().ConfigureAwait(false))
            {
                if (IsClosed && Volatile.Read(ref _drainOnClose) == 0)
                {
                    break;
                }

                // One clock read per batch: the frames of a batch leave in the same flush.
                var wrote = false;
                var now = DateTime.UtcNow.Ticks;
                using (var history = _history.BeginBatch())
                {
                    while (_outbound.TryRead(out var frame))
                    {
                        try
                        {
                            if (frame.IsEncoded)
                            {
                                output.Write(frame.Span);
                                _bytesOut += frame.Length;
                                RecordSentBlock(frame, now, history);
                            }
                            else
                            {
                                codec.WriteMessage(frame.Span, output);
                                _framesOut++;
                                _bytesOut += codec.GetEncodedLength(frame.Length);
                                if (!frame.Unrecorded)
                                {
                                    history.Record(FrameDirection.Out, frame.Span, now);
                                    _archive?.Archive(this, FrameDirection.Out, frame.Span, now);
                                }

                                Volatile.Read(ref _watchRing)?.Record(FrameDirection.Out, frame.Span, now);
                            }

                            wrote = true;
                        }
                        finally
                        {
                            unflushed += frame.Length;
                            frame.Return();
                        }
                    }
                }

                if (wrote)
                {
                    Volatile.Write(ref _lastSentTicks, now);
                    var flush = await output.FlushAsync().ConfigureAwait(false);
                    Interlocked.Add(ref _queuedBytes, -unflushed);
                    unflushed = 0;
                    ReturnOutboundCredit();
                    MarkChanged();
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        break;
                    }
                }
            }
        }
        catch (ArgumentException ex)
        {
            // A payload the codec cannot frame got past validation: a bug, not the client's fault.
            if (Close(Sessions.CloseReason.Error, ex.Message))
            {
                _logger.SessionError(Id, ex);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.AspNetCore.Connections.ConnectionResetException or OperationCanceledException)
        {
            Close(Sessions.CloseReason.ConnectionReset, ex.Message);
        }
        finally
        {
            Interlocked.Add(ref _queuedBytes, -unflushed);
            _outbound.Complete();
            while (_outbound.TryRead(out var frame))
            {
                Interlocked.Add(ref _queuedBytes, -frame.Length);
                frame.Return();
            }

            // Nothing more can be queued (the queue is completed), so all credit goes back.
            Listener.OutboundBudget.Release(Interlocked.Exchange(ref _outboundCredit, 0));
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Counts a sent block of already-framed frames and records each one in the history (and in the
    /// watch ring when someone watches). The frames are found again with the codec, which reads back what it wrote.</summary>
    private void RecordSentBlock(in OutboundFrame block, long now, scoped in SessionHistory.Batch history)
    {
        _framesOut += block.EncodedFrames;
        var watched = Volatile.Read(ref _watchRing);
        var archive = _archive;
        if (_history.Capacity == 0 && watched is null && archive is null)
        {
            return;
        }

        var codec = Listener.Codec;
        var span = block.Span;
        var offset = 0;
        while (offset < span.Length)
        {
            // The block holds whole frames that this codec wrote, so the span parser finds each one.
            if (!codec.TryParseFrame(span[offset..], out var payloadOffset, out var payloadLength, out var frameLength))
            {
                RecordSentFrames(block.Sequence.Slice(offset), now, history, watched, archive);
                return;
            }

            var frame = span.Slice(offset + payloadOffset, payloadLength);
            history.Record(FrameDirection.Out, frame, now);
            watched?.Record(FrameDirection.Out, frame, now);
            archive?.Archive(this, FrameDirection.Out, frame, now);
            offset += frameLength;
        }
    }

    /// <summary>The rest of a block, for a codec without a span parser (Raw).</summary>
    private void RecordSentFrames(ReadOnlySequence<byte> remaining, long now, scoped in SessionHistory.Batch history, SessionHistory? watched, IFrameArchive? archive)
    {
        var codec = Listener.Codec;
        var consumed = remaining.Start;
        var examined = remaining.End;
        while (codec.TryParseMessage(remaining, ref consumed, ref examined, out var frame))
        {
            history.Record(FrameDirection.Out, frame, now);
            watched?.Record(FrameDirection.Out, frame, now);
            archive?.Archive(this, FrameDirection.Out, frame, now);
            remaining = remaining.Slice(consumed);
        }
    }
}
