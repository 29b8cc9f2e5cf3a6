using System.Collections.Concurrent;

namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Which live session is which device: at most one live session per device id, whichever listener it
/// came through. Claims are rare (once per session at most, plus an operator's naming), so they take one
/// lock; lookups do not.
/// </summary>
internal sealed class DeviceDirectory
{
    private readonly ConcurrentDictionary<string, Session> _live = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly IDeviceObserver? _observer;

    /// <param name="observer">Told of every device that comes and goes (the durable registry); none to tell no one.</param>
    public DeviceDirectory(IDeviceObserver? observer = null) => _observer = observer;

    /// <summary>Live sessions that are identified.</summary>
    public int Count => _live.Count;

    /// <summary>The live session that is <paramref name="deviceId"/>, if any.</summary>
    public bool TryGet(string deviceId, out Session session) => _live.TryGetValue(deviceId, out session!) && !session.IsClosed;

    /// <summary>
    /// Makes <paramref name="session"/> the device <paramref name="deviceId"/>. When another live session is
    /// that device: with <paramref name="replace"/> it gives the id up (the caller closes it as Replaced;
    /// it is returned in <paramref name="other"/>), without it the claim fails (<see cref="DeviceClaim.Duplicate"/>,
    /// the holder in <paramref name="other"/>). A session that was another device before gives that id up.
    /// </summary>
    public DeviceClaim Claim(Session session, string deviceId, bool replace, out Session? other)
    {
        string? gaveUp = null;
        DeviceClaim claim;
        lock (_gate)
        {
            other = _live.TryGetValue(deviceId, out var holder) && holder != session && !holder.IsClosed ? holder : null;
            if (other is not null && !replace)
            {
                return DeviceClaim.Duplicate;
            }

            if (session.DeviceId is { } previous && previous != deviceId
                && _live.TryRemove(new KeyValuePair<string, Session>(previous, session)))
            {
                gaveUp = previous;
            }

            _live[deviceId] = session;
            session.SetDeviceId(deviceId);
            claim = other is null ? DeviceClaim.Claimed : DeviceClaim.ReplacedOld;

            // Told under the lock (the observer only posts), so that two claims of one device reach it
            // in the order they were made: the registry ends with the session that holds the device.
            if (_observer is not null)
            {
                if (gaveUp is not null)
                {
                    _observer.Offline(session, gaveUp);
                }

                _observer.Online(session, deviceId);
            }
        }

        return claim;
    }

    /// <summary>A closed session stops being its device (unless another session has taken the id since).</summary>
    public void Release(Session session)
    {
        if (session.DeviceId is { } deviceId && _live.TryRemove(new KeyValuePair<string, Session>(deviceId, session)))
        {
            _observer?.Offline(session, deviceId);
        }
    }
}
