using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>Sessions of one remote node that appeared or changed (<paramref name="Upserted"/>) and left
/// (<paramref name="Removed"/>, by id) since the last change.</summary>
internal sealed record RemoteSessionChange(string Node, IReadOnlyList<SessionInfo> Upserted, IReadOnlyList<string> Removed);
