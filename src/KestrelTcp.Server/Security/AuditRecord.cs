using System.Text.Json.Serialization;

namespace KestrelTcp.Server.Security;

/// <summary>One row of the audit log, as <c>GET /api/audit</c> returns it.</summary>
/// <param name="Id">Increasing with time; newest has the highest.</param>
/// <param name="Time">When it was recorded (UTC), just before the action took effect.</param>
/// <param name="Actor">User or API key name ("anonymous" when not signed in; the attempted name for sign-ins).</param>
/// <param name="ActorKind">User, ApiKey or Anonymous.</param>
/// <param name="Role">Viewer or Operator, when known.</param>
/// <param name="Source">The address the request came from.</param>
/// <param name="Action">Login, Logout, Send, Broadcast or Kick.</param>
/// <param name="Result">Allowed, Denied, Failed, LockedOut, Invalid or NotFound.</param>
/// <param name="Listener">The listener of a broadcast.</param>
/// <param name="Sessions">The target sessions.</param>
/// <param name="PayloadBytes">The payload size, for sends and broadcasts.</param>
/// <param name="PayloadSha256">The payload's SHA-256 (hex), for sends and broadcasts.</param>
/// <param name="Detail">A kick reason, or why something was refused.</param>
/// <param name="Nodes">In a cluster, the nodes the command went to (absent on a single node).</param>
/// <param name="Node">In a cluster's audit view, the node that wrote the row (the one that took the request).</param>
public sealed record AuditRecord(
    long Id,
    DateTimeOffset Time,
    string Actor,
    ActorKind ActorKind,
    SecurityRole? Role,
    string? Source,
    AuditAction Action,
    AuditResult Result,
    string? Listener,
    IReadOnlyList<string> Sessions,
    int? PayloadBytes,
    string? PayloadSha256,
    string? Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Nodes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Node = null);
