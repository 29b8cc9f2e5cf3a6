namespace KestrelTcp.Server.Security;

/// <summary>
/// Log messages of the security layer, with stable event ids (3xx). Passwords and keys are never
/// logged; the first-run password goes to the console only (see <see cref="FirstRunNotice"/>).
/// </summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 300, EventName = "LoginSucceeded", Level = LogLevel.Information,
        Message = "User {UserName} signed in from {Source}")]
    public static partial void LoginSucceeded(this ILogger logger, string userName, string? source);

    [LoggerMessage(EventId = 301, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Failed sign-in for user name {UserName} from {Source}")]
    public static partial void LoginFailed(this ILogger logger, string userName, string? source);

    [LoggerMessage(EventId = 302, EventName = "UserLockedOut", Level = LogLevel.Warning,
        Message = "User name {UserName} locked for {Duration} after repeated failed sign-ins (last from {Source})")]
    public static partial void UserLockedOut(this ILogger logger, string userName, TimeSpan duration, string? source);

    [LoggerMessage(EventId = 303, EventName = "LoginRefusedLocked", Level = LogLevel.Information,
        Message = "Sign-in for locked user name {UserName} from {Source} refused ({Remaining} left)")]
    public static partial void LoginRefusedLocked(this ILogger logger, string userName, string? source, TimeSpan remaining);

    [LoggerMessage(EventId = 304, EventName = "LoggedOut", Level = LogLevel.Information,
        Message = "User {UserName} signed out")]
    public static partial void LoggedOut(this ILogger logger, string userName);

    [LoggerMessage(EventId = 305, EventName = "ApiKeyRejected", Level = LogLevel.Warning,
        Message = "Invalid API key from {Source}")]
    public static partial void ApiKeyRejected(this ILogger logger, string? source);

    [LoggerMessage(EventId = 306, EventName = "OriginRefused", Level = LogLevel.Information,
        Message = "Refused {Method} {Path} from origin {Origin}: not the server's own and not in KestrelTcp:Security:AllowedOrigins")]
    public static partial void OriginRefused(this ILogger logger, string method, string path, string origin);

    [LoggerMessage(EventId = 307, EventName = "FirstRunUserCreated", Level = LogLevel.Warning,
        Message = "No users are configured: created the first-run operator {UserName} with a random password, printed once to the console. Configure users under KestrelTcp:Security:Users.")]
    public static partial void FirstRunUserCreated(this ILogger logger, string userName);

    [LoggerMessage(EventId = 319, EventName = "FirstRunUserKept", Level = LogLevel.Warning,
        Message = "No users are configured: the first-run operator {UserName} signs in with the password in {Path} (new this start: {Created}). Configure users under KestrelTcp:Security:Users.")]
    public static partial void FirstRunUserKept(this ILogger logger, string userName, string path, bool created);

    [LoggerMessage(EventId = 308, EventName = "AuditWriteFailed", Level = LogLevel.Error,
        Message = "Could not write to the audit log {Path}; the {Action} by {Actor} was not carried out")]
    public static partial void AuditWriteFailed(this ILogger logger, string path, AuditAction action, string actor, Exception exception);

    [LoggerMessage(EventId = 309, EventName = "ActionDenied", Level = LogLevel.Warning,
        Message = "{Action} by {Actor} ({Role}) from {Source} denied: the Operator role is required")]
    public static partial void ActionDenied(this ILogger logger, AuditAction action, string actor, SecurityRole? role, string? source);

    [LoggerMessage(EventId = 310, EventName = "AuditLogOpened", Level = LogLevel.Information,
        Message = "Audit log at {Path}")]
    public static partial void AuditLogOpened(this ILogger logger, string path);

    [LoggerMessage(EventId = 311, EventName = "AuditWritten", Level = LogLevel.Debug,
        Message = "Audit record {AuditId}: {Action} {Result} by {Actor}")]
    public static partial void AuditWritten(this ILogger logger, long auditId, AuditAction action, AuditResult result, string actor);

    [LoggerMessage(EventId = 312, EventName = "ApiKeysLockedOut", Level = LogLevel.Warning,
        Message = "API keys from {Source} refused for {Duration} after repeated invalid keys")]
    public static partial void ApiKeysLockedOut(this ILogger logger, string? source, TimeSpan duration);

    [LoggerMessage(EventId = 313, EventName = "ListenerTls", Level = LogLevel.Information,
        Message = "TCP listener {Listener} uses TLS with certificate {Subject} (expires {NotAfter:u}), client certificates: {ClientCertificateMode}")]
    public static partial void ListenerTls(this ILogger logger, string listener, string subject, DateTime notAfter, Hosting.TlsClientCertificateMode clientCertificateMode);

    [LoggerMessage(EventId = 314, EventName = "ClientCertificateRejected", Level = LogLevel.Information,
        Message = "TCP listener {Listener}: client certificate {Subject} rejected ({Errors})")]
    public static partial void ClientCertificateRejected(this ILogger logger, string listener, string subject, string errors);

    [LoggerMessage(EventId = 315, EventName = "AddressLockedOut", Level = LogLevel.Warning,
        Message = "Sign-ins from {Source} refused for {Duration} after repeated failures across user names")]
    public static partial void AddressLockedOut(this ILogger logger, string? source, TimeSpan duration);

    [LoggerMessage(EventId = 316, EventName = "LoginRefusedAddressLocked", Level = LogLevel.Information,
        Message = "Sign-in for user name {UserName} from locked address {Source} refused ({Remaining} left)")]
    public static partial void LoginRefusedAddressLocked(this ILogger logger, string userName, string? source, TimeSpan remaining);

    [LoggerMessage(EventId = 317, EventName = "LoginRefusedBusy", Level = LogLevel.Warning,
        Message = "Sign-in for user name {UserName} from {Source} refused: every password-check slot stayed busy (KestrelTcp:Security:Lockout:MaxConcurrentVerifications)")]
    public static partial void LoginRefusedBusy(this ILogger logger, string userName, string? source);
}
