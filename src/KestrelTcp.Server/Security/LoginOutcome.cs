namespace KestrelTcp.Server.Security;

/// <summary>The result of a sign-in attempt.</summary>
/// <param name="Account">The user, when the sign-in succeeded.</param>
/// <param name="LockedFor">When the user name or address is locked, or the server too busy: how long until trying again can help.</param>
/// <param name="Refusal">Which lock (or the busy gate) refuses this and further sign-ins; <see cref="LoginRefusal.None"/> for a plain wrong password.</param>
internal sealed record LoginOutcome(Account? Account, TimeSpan? LockedFor, LoginRefusal Refusal = LoginRefusal.None)
{
    public bool Succeeded => Account is not null;
}
