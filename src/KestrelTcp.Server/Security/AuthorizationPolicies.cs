namespace KestrelTcp.Server.Security;

/// <summary>
/// The authorization policies, by name. Use them on endpoints and hub methods
/// (<c>.RequireAuthorization(AuthorizationPolicies.Operator)</c>, <c>[Authorize(Policy = AuthorizationPolicies.Viewer)]</c>).
/// </summary>
public static class AuthorizationPolicies
{
    /// <summary>Any signed-in user or API key (Viewer or Operator): reading. Also the fallback policy
    /// for everything without one of its own.</summary>
    public const string Viewer = "Viewer";

    /// <summary>Operators only: send, broadcast, kick, the audit log.</summary>
    public const string Operator = "Operator";
}
