using KestrelTcp.Server.Api;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>The owner's answer, published on the asking node's reply channel (<see cref="ClusterKeys.Replies"/>).</summary>
/// <param name="Id">The request's id.</param>
/// <param name="From">The answering node.</param>
/// <param name="Status">Whether it was done.</param>
/// <param name="Error">Why not, when not.</param>
/// <param name="Sessions">Send, Broadcast, Kick: the sessions it was done to.</param>
/// <param name="Failed">Send, Broadcast: sessions not sent to, with why.</param>
/// <param name="Bytes">Send, Broadcast: the payload size.</param>
/// <param name="Session">GetSession: the session.</param>
/// <param name="Messages">GetMessages: the frames, oldest first.</param>
/// <param name="Audit">ReadAudit: the newest rows.</param>
/// <param name="AuditTotal">ReadAudit: how many rows the owner's log holds.</param>
/// <param name="Drain">Drain: the drain the node started (or found running).</param>
internal sealed record NodeReply(
    string Id,
    string From,
    NodeReplyStatus Status,
    string? Error = null,
    string[]? Sessions = null,
    Dictionary<string, SendResult>? Failed = null,
    int Bytes = 0,
    SessionInfo? Session = null,
    MessageInfo[]? Messages = null,
    AuditRecord[]? Audit = null,
    long AuditTotal = 0,
    DrainResponse? Drain = null);
