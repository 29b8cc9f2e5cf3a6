using KestrelTcp.Protocols;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Automation.Recording;

/// <summary>
/// Replays a recording to a live session: the recorded server-to-device frames (<c>"dir":"out"</c>), in
/// order, at the recorded pace divided by the speed (0 = as fast as the session's queue takes them), each
/// through the session's bounded outbound queue and framed by the session's listener. The device-to-server
/// frames (<c>"in"</c>) are what <c>ktcp replay</c> sends into a server.
/// </summary>
internal static class RecordingReplay
{
    /// <summary>Most replays running at once.</summary>
    public const int MaxConcurrent = 16;

    private static int _running;

    /// <summary>Starts the replay; the error (for a 400) or null, with the number of frames it will send.</summary>
    public static string? TryStart(List<RecordedFrame> frames, Session session, double speed, out int count)
    {
        var outbound = frames.Where(f => !f.Inbound).ToList();
        count = outbound.Count;
        foreach (var frame in outbound)
        {
            if (!session.Listener.Codec.TryValidatePayload(frame.Payload, out var error))
            {
                return $"A recorded frame does not fit session '{session.Id}''s framing ({session.Listener.Options.Framing}): {error}";
            }
        }

        if (Interlocked.Increment(ref _running) > MaxConcurrent)
        {
            Interlocked.Decrement(ref _running);
            return $"{MaxConcurrent} replays are running, the most allowed at once.";
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(outbound, session, speed).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        });
        return null;
    }

    private static async Task RunAsync(List<RecordedFrame> frames, Session session, double speed)
    {
        var started = TimeProvider.System.GetTimestamp();
        var first = frames.Count > 0 ? frames[0].Milliseconds : 0;
        foreach (var frame in frames)
        {
            if (speed > 0)
            {
                var due = TimeSpan.FromMilliseconds((frame.Milliseconds - first) / speed) - TimeProvider.System.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due).ConfigureAwait(false);
                }
            }

            if (session.IsClosed || session.Enqueue(frame.Payload) != SendResult.Queued)
            {
                return;
            }
        }
    }
}
