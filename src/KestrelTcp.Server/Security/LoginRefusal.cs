namespace KestrelTcp.Server.Security;

/// <summary>Why a sign-in (and the next ones) is refused beyond a plain wrong password.</summary>
internal enum LoginRefusal
{
    /// <summary>No lock: the password was checked and was right, or plainly wrong.</summary>
    None,

    /// <summary>The user name is locked after too many failures for it.</summary>
    UserLocked,

    /// <summary>The source address is locked after too many failures from it, across user names.</summary>
    AddressLocked,

    /// <summary>Every password-check slot stayed busy for <see cref="LockoutOptions.VerificationWait"/>.</summary>
    Busy,
}
