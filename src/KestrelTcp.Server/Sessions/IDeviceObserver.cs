namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Told when a live session becomes a device and when it stops being one, so that something outside the
/// data path (the durable device registry) can keep track. Called by <see cref="DeviceDirectory"/> on the
/// claiming session's read loop, an API thread or the closing session's handler: an implementation takes
/// what it needs from the session and returns at once. It must never block, await or do I/O; when it
/// cannot keep the event it drops it and counts it.
/// </summary>
internal interface IDeviceObserver
{
    /// <summary><paramref name="session"/> is now the device <paramref name="deviceId"/>.</summary>
    void Online(Session session, string deviceId);

    /// <summary><paramref name="session"/> is no longer the device <paramref name="deviceId"/> (it closed, or
    /// was named another device); another session may be the device already.</summary>
    void Offline(Session session, string deviceId);
}
