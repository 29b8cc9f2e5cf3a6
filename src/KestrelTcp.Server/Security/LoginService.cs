using System.Net;
using System.Security.Claims;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Checks sign-ins: the lockout first (a locked name is refused without looking at the password), then
/// the password; every attempt is written to the audit log before its outcome takes effect.
/// </summary>
internal sealed class LoginService
{
    /// <summary>Longest user name looked at; longer ones cannot exist (see the validator) and are cut.</summary>
    public const int MaxUserNameLength = 64;

    /// <summary>Longest password checked: bounds the hashing work per attempt.</summary>
    public const int MaxPasswordLength = 1024;

    private readonly UserStore _users;
    private readonly FailureThrottle _throttle;
    private readonly AuditLog _audit;
    private readonly ILogger<LoginService> _logger;

    public LoginService(UserStore users, FailureThrottle throttle, AuditLog audit, ILogger<LoginService> logger)
    {
        _users = users;
        _throttle = throttle;
        _audit = audit;
        _logger = logger;
    }

    public async Task<LoginOutcome> SignInAsync(string userName, string password, IPAddress? remoteAddress)
    {
        var name = userName.Trim();
        if (name.Length > MaxUserNameLength)
        {
            name = name[..MaxUserNameLength];
        }

        var source = SecurityClaims.FormatAddress(remoteAddress);
        var throttleKey = $"user:{name}";
        if (_throttle.IsLocked(throttleKey, out var remaining))
        {
            _logger.LoginRefusedLocked(name, source, remaining);
            await _audit.WriteAsync(AuditEvent.ForSignIn(name, ActorKind.User, null, source, AuditAction.Login, AuditResult.LockedOut,
                $"Locked after too many failed sign-ins; {FailureThrottle.Describe(remaining)} left.")).ConfigureAwait(false);
            return new LoginOutcome(null, remaining);
        }

        if (password.Length <= MaxPasswordLength && _users.TryVerify(name, password, out var account))
        {
            _throttle.Reset(throttleKey);
            await _audit.WriteAsync(AuditEvent.ForSignIn(account.Name, ActorKind.User, account.Role, source, AuditAction.Login, AuditResult.Allowed, null)).ConfigureAwait(false);
            _logger.LoginSucceeded(account.Name, source);
            return new LoginOutcome(account, null);
        }

        _logger.LoginFailed(name, source);
        var locked = _throttle.RecordFailure(throttleKey, out var lockedFor);
        if (locked)
        {
            _logger.UserLockedOut(name, lockedFor, source);
        }

        await _audit.WriteAsync(AuditEvent.ForSignIn(name, ActorKind.User, null, source, AuditAction.Login, AuditResult.Failed,
            locked ? $"Wrong user name or password; the name is now locked for {FailureThrottle.Describe(lockedFor)}." : "Wrong user name or password.")).ConfigureAwait(false);
        return new LoginOutcome(null, locked ? lockedFor : null);
    }

    /// <summary>Records a sign-out (before the cookie is removed).</summary>
    public async Task RecordSignOutAsync(ClaimsPrincipal user, IPAddress? remoteAddress)
    {
        var actor = user.ToActor(remoteAddress);
        await _audit.WriteAsync(AuditEvent.ForSignIn(actor.Name, actor.Kind, actor.Role, actor.RemoteAddress, AuditAction.Logout, AuditResult.Allowed, null)).ConfigureAwait(false);
        _logger.LoggedOut(actor.Name);
    }
}
