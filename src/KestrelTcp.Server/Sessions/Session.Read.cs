using System.Buffers;
using KestrelTcp.Protocols;
using KestrelTcp.Server.Hosting;
using Microsoft.AspNetCore.Connections;

namespace KestrelTcp.Server.Sessions;

internal sealed partial class Session
{
    /// <summary>
    /// Decodes every complete frame in each read, then advances past them. It awaits only the socket:
    /// no logging I/O, no SignalR, no cross-session lock.
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
                try
                {
                    // One clock read per read: every frame decoded from it arrived at the same time.
                    var arrived = buffer.Length - unconsumed;
                    var now = DateTime.UtcNow.Ticks;
                    if (arrived > 0)
                    {
                        _bytesIn += arrived;
                        Volatile.Write(ref _lastReceivedTicks, now);
                    }

                    var frames = 0;
                    while (codec.TryParseMessage(remaining, ref consumed, ref examined, out var frame))
                    {
                        OnFrameReceived(frame, now);
                        remaining = buffer.Slice(consumed);
                        frames++;
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

                    if (result.IsCompleted)
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
            }
        }
        catch (FramingException ex)
        {
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

    private void OnFrameReceived(in ReadOnlySequence<byte> frame, long now)
    {
        _framesIn++;
        _history.Record(FrameDirection.In, frame, now);
        if (Volatile.Read(ref _watchers) > 0)
        {
            PublishTraffic(FrameDirection.In, frame, now);
        }

        switch (Listener.Mode)
        {
            case ListenerMode.Echo:
                Enqueue(frame, wake: false);
                break;
            case ListenerMode.Broker:
                foreach (var other in Listener.Sessions.Values)
                {
                    if (!ReferenceEquals(other, this))
                    {
                        other.Enqueue(frame);
                    }
                }

                break;
        }
    }

    private void PublishTraffic(FrameDirection direction, in ReadOnlySequence<byte> frame, long ticks)
    {
        var preview = frame.Length <= _previewBytes ? frame.ToArray() : frame.Slice(0, _previewBytes).ToArray();
        _events.Publish(new TrafficEvent(Id, direction, new DateTimeOffset(ticks, TimeSpan.Zero), (int)frame.Length, preview));
    }
}
