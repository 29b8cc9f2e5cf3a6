namespace KestrelTcp.Server.Security;

/// <summary>How an audited action was decided. Records are written before the action takes effect, so
/// <see cref="Allowed"/> means "authorized and carried out next".</summary>
public enum AuditResult
{
    /// <summary>Authorized; the action followed.</summary>
    Allowed,

    /// <summary>Refused: the caller lacks the role (or is not signed in).</summary>
    Denied,

    /// <summary>A sign-in with a wrong user name or password.</summary>
    Failed,

    /// <summary>A sign-in refused without checking the password: the user name or the source address is locked
    /// after too many failures, or every password-check slot was busy.</summary>
    LockedOut,

    /// <summary>Authorized, but the request was malformed (for example a payload the framing refuses); nothing was done.</summary>
    Invalid,

    /// <summary>Authorized, but a named session or listener does not exist; nothing was done.</summary>
    NotFound,
}
