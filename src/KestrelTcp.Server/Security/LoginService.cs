using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Checks sign-ins: the lockouts first (a locked name, or an address locked after failures across names,
/// is refused without looking at the password), then the password in one of the few verification slots
/// of <see cref="PasswordVerificationGate"/>; every attempt is written to the audit log before its
/// outcome takes effect.
/// </summary>
internal sealed class LoginService
{
    /// <summary>Longest user name looked at; longer ones cannot exist (see the validator) and are cut.</summary>
    public const int MaxUserNameLength = 64;

    /// <summary>Longest password checked: bounds the hashing work per attempt.</summary>
    public const int MaxPasswordLength = 1024;

    private readonly UserStore _users;
    private readonly FailureThrottle _throttle;
    private readonly PasswordVerificationGate _gate;
    private readonly LockoutOptions _lockout;
    private readonly AuditLog _audit;
    private readonly ILogger<LoginService> _logger;

    public LoginService(
        UserStore users,
        FailureThrottle throttle,
        PasswordVerificationGate gate,
        IOptions<SecurityOptions> options,
        AuditLog audit,
        ILogger<LoginService> logger)
    {
        _users = users;
        _throttle = throttle;
        _gate = gate;
        _lockout = options.Value.Lockout;
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
        if (await _throttle.LockedForAsync(throttleKey).ConfigureAwait(false) is { } remaining)
        {
            _logger.LoginRefusedLocked(name, source, remaining);
            await _audit.WriteAsync(AuditEvent.ForSignIn(name, ActorKind.User, null, source, AuditAction.Login, AuditResult.LockedOut,
                $"Locked after too many failed sign-ins; {FailureThrottle.Describe(remaining)} left.")).ConfigureAwait(false);
            return new LoginOutcome(null, remaining, LoginRefusal.UserLocked);
        }

        var addressKey = $"addr:{source}";
        if (await _throttle.LockedForAsync(addressKey).ConfigureAwait(false) is { } addressRemaining)
        {
            _logger.LoginRefusedAddressLocked(name, source, addressRemaining);
            await _audit.WriteAsync(AuditEvent.ForSignIn(name, ActorKind.User, null, source, AuditAction.Login, AuditResult.LockedOut,
                $"Too many failed sign-ins from this address; {FailureThrottle.Describe(addressRemaining)} left.")).ConfigureAwait(false);
            return new LoginOutcome(null, addressRemaining, LoginRefusal.AddressLocked);
        }

        Account? account = null;
        var verified = password.Length <= MaxPasswordLength
            ? await _gate.TryVerifyAsync(() => _users.TryVerify(name, password, out account)).ConfigureAwait(false)
            : false;
        if (verified is null)
        {
            _logger.LoginRefusedBusy(name, source);
            await _audit.WriteAsync(AuditEvent.ForSignIn(name, ActorKind.User, null, source, AuditAction.Login, AuditResult.LockedOut,
                "Too many sign-ins are being checked at once; the password was not checked.")).ConfigureAwait(false);
            return new LoginOutcome(null, PasswordVerificationGate.RetryAfter, LoginRefusal.Busy);
        }

        if (verified == true && account is not null)
        {
            await _throttle.ResetAsync(throttleKey).ConfigureAwait(false);
            await _audit.WriteAsync(AuditEvent.ForSignIn(account.Name, ActorKind.User, account.Role, source, AuditAction.Login, AuditResult.Allowed, null)).ConfigureAwait(false);
            _logger.LoginSucceeded(account.Name, source);
            return new LoginOutcome(account, null);
        }

        _logger.LoginFailed(name, source);
        var userLock = await _throttle.RecordFailureAsync(throttleKey).ConfigureAwait(false);
        var locked = userLock is not null;
        var lockedFor = userLock.GetValueOrDefault();
        if (locked)
        {
            _logger.UserLockedOut(name, lockedFor, source);
        }

        // Counted per address too, across names: fresh names each start a new per-name count, so only
        // this one stops a flood of made-up names from one address from costing a hash each.
        var addressLock = await _throttle.RecordFailureAsync(addressKey, _lockout.MaxFailuresPerAddress).ConfigureAwait(false);
        var addressLocked = addressLock is not null;
        var addressLockedFor = addressLock.GetValueOrDefault();
        if (addressLocked)
        {
            _logger.AddressLockedOut(source, addressLockedFor);
        }

        var detail = locked ? $"Wrong user name or password; the name is now locked for {FailureThrottle.Describe(lockedFor)}."
            : addressLocked ? $"Wrong user name or password; this address is now locked for {FailureThrottle.Describe(addressLockedFor)}."
            : "Wrong user name or password.";
        await _audit.WriteAsync(AuditEvent.ForSignIn(name, ActorKind.User, null, source, AuditAction.Login, AuditResult.Failed, detail)).ConfigureAwait(false);
        return locked ? new LoginOutcome(null, lockedFor, LoginRefusal.UserLocked)
            : addressLocked ? new LoginOutcome(null, addressLockedFor, LoginRefusal.AddressLocked)
            : new LoginOutcome(null, null);
    }

    /// <summary>Records a sign-out (before the cookie is removed).</summary>
    public async Task RecordSignOutAsync(ClaimsPrincipal user, IPAddress? remoteAddress)
    {
        var actor = user.ToActor(remoteAddress);
        await _audit.WriteAsync(AuditEvent.ForSignIn(actor.Name, actor.Kind, actor.Role, actor.RemoteAddress, AuditAction.Logout, AuditResult.Allowed, null)).ConfigureAwait(false);
        _logger.LoggedOut(actor.Name);
    }
}
