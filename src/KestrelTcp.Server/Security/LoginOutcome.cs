namespace KestrelTcp.Server.Security;

/// <summary>The result of a sign-in attempt.</summary>
/// <param name="Account">The user, when the sign-in succeeded.</param>
/// <param name="LockedFor">When the user name is locked: for how much longer.</param>
internal sealed record LoginOutcome(Account? Account, TimeSpan? LockedFor)
{
    public bool Succeeded => Account is not null;
}
