namespace KestrelTcp.Server.Dashboard;

internal sealed partial class DashboardPublisher
{
    private readonly List<WatchedSession> _watchedNow = [];

    /// <summary>
    /// Sends each browser the new frames of the sessions it watches, one batch per session, from the
    /// session's watch ring (which keeps the newest <see cref="DashboardOptions.TrafficBufferFrames"/>).
    /// Each browser is pushed to on its own, never through a group: a browser that stops reading holds
    /// up only itself. What is pushed and not yet taken is its backlog; past
    /// <see cref="DashboardOptions.MaxViewerBacklogBytes"/> its new frames are dropped, and frames
    /// dropped or overwritten in the ring are counted in its next <see cref="Contracts.TrafficBatch.Dropped"/>.
    /// A browser with a push unfinished for <see cref="DashboardOptions.ViewerStuckTimeout"/> is closed.
    /// Only watched sessions have a ring, so nobody else's traffic is ever recorded or sent.
    /// </summary>
    private void FlushTraffic()
    {
        var now = Environment.TickCount64;
        foreach (var viewer in _viewers.All)
        {
            var traffic = viewer.Traffic;
            var oldest = traffic.Release();
            if (CloseIfStuck(viewer, oldest, now))
            {
                continue;
            }

            _watchedNow.Clear();
            viewer.CollectWatched(_watchedNow);
            traffic.Forget(_watchedNow);
            var budget = _options.MaxViewerBacklogBytes - traffic.BacklogBytes;
            var first = traffic.NextRotation(_watchedNow.Count);
            for (var i = 0; i < _watchedNow.Count; i++)
            {
                var watched = _watchedNow[(first + i) % _watchedNow.Count];
                if (watched.Session.WatchRing is not { } ring
                    || traffic.Take(watched, ring, _options.TrafficBufferFrames, _options.TrafficPreviewBytes, ref budget, out var cost) is not { } batch)
                {
                    continue;
                }

                var send = _hub.Clients.Client(viewer.ConnectionId).Traffic(batch);
                traffic.Add(send.IsCompletedSuccessfully ? Task.CompletedTask : ObserveAsync(viewer.ConnectionId, send), cost, now);
            }
        }

        _watchedNow.Clear();
    }

    /// <summary>Closes a browser whose oldest unfinished push (traffic or sessions) is older than the
    /// stuck timeout; true while such a browser is on its way out (nothing more is pushed to it).</summary>
    private bool CloseIfStuck(DashboardViewer viewer, long? oldestTraffic, long now)
    {
        var traffic = viewer.Traffic;
        if (traffic.Closing)
        {
            return true;
        }

        var since = oldestTraffic;
        if (!viewer.InFlight.IsCompleted)
        {
            since = since is { } known ? Math.Min(known, viewer.InFlightStarted) : viewer.InFlightStarted;
        }

        if (since is not { } started || now - started < (long)_options.ViewerStuckTimeout.TotalMilliseconds)
        {
            return false;
        }

        traffic.Closing = true;
        _logger.ViewerStuck(viewer.ConnectionId, viewer.User, _options.ViewerStuckTimeout, traffic.BacklogBytes, traffic.DroppedFrames);
        viewer.Abort();
        return true;
    }
}
