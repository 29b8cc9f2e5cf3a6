namespace KestrelTcp.Server.Sessions;

/// <summary>What happened to a session.</summary>
internal enum SessionEventKind
{
    Opened,
    Changed,
    Closed,
}
