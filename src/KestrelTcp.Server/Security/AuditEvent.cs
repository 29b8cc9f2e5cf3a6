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
    string? Detail)
{
    /// <summary>Longest name or detail text kept; longer input (a made-up user name) is cut.</summary>
    public const int MaxTextLength = 200;

    public static AuditEvent ForCommand(
        CommandActor actor,
        AuditAction action,
        AuditResult result,
        string? listener,
        IEnumerable<string?>? sessions,
        byte[]? payload,
        string? detail) => new(
            Cut(actor.Name)!,
            actor.Kind,
            actor.Role,
            actor.RemoteAddress,
            action,
            result,
            Cut(listener),
            [.. (sessions ?? []).Where(s => s is not null).Select(s => Cut(s)!).Distinct(StringComparer.Ordinal).Take(SessionCommands.MaxTargets)],
            payload?.Length,
            payload is null ? null : Convert.ToHexStringLower(SHA256.HashData(payload)),
            Cut(detail));

    public static AuditEvent ForSignIn(string userName, ActorKind kind, SecurityRole? role, string? source, AuditAction action, AuditResult result, string? detail) =>
        new(Cut(userName)!, kind, role, source, action, result, null, [], null, null, Cut(detail));

    private static string? Cut(string? text) => text is { Length: > MaxTextLength } ? text[..MaxTextLength] : text;
}
