namespace KestrelTcp.Server.Security;

/// <summary>Who is signed in, from <c>GET /auth/me</c> (and the answer to a successful sign-in).</summary>
/// <param name="Name">The user or API key name.</param>
/// <param name="Role">Viewer or Operator.</param>
/// <param name="Kind">User (cookie) or ApiKey.</param>
/// <param name="ExpiresAt">When the sign-in runs out unless renewed by activity; null for API keys.</param>
public sealed record CurrentUser(string Name, SecurityRole Role, ActorKind Kind, DateTimeOffset? ExpiresAt);
