namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>A session of another node that has left the cluster view: it closed there (its close reason
/// is in that node's recently closed list, <c>GET /api/sessions/closed</c>), or its node went down.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Node">The node that held it.</param>
public sealed record RemovedSessionRow(string Id, string Node);
