using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard;

/// <summary>A session one browser watches, and the watch ring's count when the watch began: the
/// browser's live frames are those recorded after it.</summary>
internal readonly record struct WatchedSession(Session Session, long StartSequence);
