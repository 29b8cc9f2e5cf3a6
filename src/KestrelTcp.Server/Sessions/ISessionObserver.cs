namespace KestrelTcp.Server.Sessions;

/// <summary>
/// Told when a session opens and when it has closed, by <see cref="SessionRegistry"/> (for webhooks). Called
/// on the session's handler: an implementation takes what it needs and returns at once. It must never
/// block, await or do I/O; when it cannot keep the event it drops it and counts it.
/// </summary>
internal interface ISessionObserver
{
    /// <summary><paramref name="session"/> was added to the registry.</summary>
    void Opened(Session session);

    /// <summary>A session was removed from the registry; <paramref name="closed"/> is its last state, with its close reason.</summary>
    void Closed(SessionInfo closed);
}
