namespace KestrelTcp.Server.Sessions;

/// <summary>A session was opened, changed (its counters moved) or closed.</summary>
internal readonly record struct SessionEvent(SessionEventKind Kind, Session Session);
