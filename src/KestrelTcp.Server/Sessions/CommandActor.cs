using KestrelTcp.Server.Security;

namespace KestrelTcp.Server.Sessions;

/// <summary>Who asked for an operator command, for the authorization check, the log and the audit trail.
/// Build it from a <see cref="System.Security.Claims.ClaimsPrincipal"/> with <see cref="SecurityClaims.ToActor"/>.</summary>
/// <param name="Name">The user name or API key name.</param>
/// <param name="RemoteAddress">The address the request came from, when known.</param>
/// <param name="Role">The caller's role; null when unknown or not authenticated (then nothing is allowed).</param>
/// <param name="Kind">How the caller authenticated.</param>
public sealed record CommandActor(string Name, string? RemoteAddress, SecurityRole? Role = null, ActorKind Kind = ActorKind.Anonymous)
{
    /// <summary>Whether the actor may send, broadcast and kick.</summary>
    public bool IsOperator => Role == SecurityRole.Operator;
}
