using System.Security.Cryptography;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Security;

/// <summary>What happened, as handed to <see cref="AuditLog.WriteAsync"/>; the log adds the id and the time.</summary>
/// <param name="Actor">User or API key name ("anonymous" when not signed in; the attempted name for sign-ins).</param>
/// <param name="ActorKind">How the actor authenticated.</param>
/// <param name="Role">The actor's role, when known.</param>
/// <param name="Source">The address the request came from.</param>
/// <param name="Action">What was attempted.</param>
/// <param name="Result">How it was decided.</param>
/// <param name="Listener">The listener of a broadcast.</param>
/// <param name="Sessions">The target sessions.</param>
/// <param name="PayloadBytes">The payload size, for sends and broadcasts.</param>
/// <param name="PayloadSha256">The payload's SHA-256 in hex, for sends and broadcasts.</param>
/// <param name="Detail">More: a kick reason, why something was refused.</param>
/// <param name="Nodes">In a cluster, the nodes the command went to (null on a single node).</param>
internal sealed record AuditEvent(
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
    IReadOnlyList<string>? Nodes = null)
{
    /// <summary>Longest name or detail text kept; longer input (a made-up user name) is cut.</summary>
    public const int MaxTextLength = 200;

    /// <summary>
    /// Most session ids one row keeps: a request may name up to <see cref="SessionCommands.MaxTargets"/>,
    /// and a refused one must not cost the log a megabyte. Beyond it, the row keeps the first ones and says
    /// in <see cref="Detail"/> how many were named.
    /// </summary>
    public const int MaxSessionsKept = 20;

    /// <summary>Most node names one row keeps (a cluster holds at most <c>KestrelTcp:Cluster:MaxNodes</c>).</summary>
    public const int MaxNodesKept = 64;

    /// <summary>Longest session id kept in a row (real ids are far shorter); longer ones are cut.</summary>
    public const int MaxSessionIdLength = 64;

    public static AuditEvent ForCommand(
        CommandActor actor,
        AuditAction action,
        AuditResult result,
        string? listener,
        IEnumerable<string?>? sessions,
        byte[]? payload,
        string? detail,
        IReadOnlyList<string>? nodes = null)
    {
        var named = (sessions ?? []).Where(s => s is not null).Distinct(StringComparer.Ordinal).ToList();
        var kept = named.Take(MaxSessionsKept).Select(s => Cut(s, MaxSessionIdLength)!).ToList();
        if (named.Count > MaxSessionsKept)
        {
            var count = $"{named.Count} sessions named, the first {MaxSessionsKept} kept.";
            detail = detail is null ? count : $"{count} {Cut(detail)}";
        }

        return new(
            Cut(actor.Name)!,
            actor.Kind,
            actor.Role,
            actor.RemoteAddress,
            action,
            result,
            Cut(listener),
            kept,
            payload?.Length,
            payload is null ? null : Convert.ToHexStringLower(SHA256.HashData(payload)),
            Cut(detail),
            nodes is null ? null : [.. nodes.Take(MaxNodesKept).Select(n => Cut(n, MaxSessionIdLength)!)]);
    }

    public static AuditEvent ForSignIn(string userName, ActorKind kind, SecurityRole? role, string? source, AuditAction action, AuditResult result, string? detail) =>
        new(Cut(userName)!, kind, role, source, action, result, null, [], null, null, Cut(detail));

    private static string? Cut(string? text, int max = MaxTextLength) => text is not null && text.Length > max ? text[..max] : text;
}
