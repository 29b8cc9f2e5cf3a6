namespace KestrelTcp.Server.Security;

/// <summary>How the caller of an action proved who it is.</summary>
public enum ActorKind
{
    /// <summary>Not authenticated.</summary>
    Anonymous,

    /// <summary>A user signed in with a password (cookie).</summary>
    User,

    /// <summary>A client presenting an API key.</summary>
    ApiKey,
}
