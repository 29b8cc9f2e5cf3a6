using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>Validates <see cref="SecurityOptions"/> at start; every failure names the configuration key.</summary>
internal sealed partial class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    private readonly IConfiguration? _configuration;

    public SecurityOptionsValidator(IConfiguration? configuration = null) => _configuration = configuration;

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        const string Root = SecurityOptions.SectionName;
        var errors = new List<string>();

        // The binder silently drops a dictionary entry it cannot convert (say Role=Admin): a user who
        // vanished that way must stop the server, not leave it running without them.
        ReportDropped<UserOptions>($"{Root}:Users", options.Users.ContainsKey, errors);
        ReportDropped<ApiKeyOptions>($"{Root}:ApiKeys", options.ApiKeys.ContainsKey, errors);

        foreach (var (userName, user) in options.Users)
        {
            var path = $"{Root}:Users:{userName}";
            if (!NamePattern().IsMatch(userName))
            {
                errors.Add($"{path}: user names may use letters, digits, '.', '_', '@' and '-' (1 to 64 characters).");
            }

            if (user is null)
            {
                errors.Add($"{path} is empty; it needs a PasswordHash and a Role.");
                continue;
            }

            if (!PasswordHasher.IsWellFormed(user.PasswordHash, out var error))
            {
                errors.Add($"{path}:PasswordHash {error}.");
            }

            if (!Enum.IsDefined(user.Role))
            {
                errors.Add($"{path}:Role must be Viewer or Operator.");
            }
        }

        foreach (var (keyName, key) in options.ApiKeys)
        {
            var path = $"{Root}:ApiKeys:{keyName}";
            if (!NamePattern().IsMatch(keyName))
            {
                errors.Add($"{path}: key names may use letters, digits, '.', '_', '@' and '-' (1 to 64 characters).");
            }

            if (key is null)
            {
                errors.Add($"{path} is empty; it needs a KeyHash and a Role.");
                continue;
            }

            if (!PasswordHasher.IsWellFormed(key.KeyHash, out var error))
            {
                errors.Add($"{path}:KeyHash {error}.");
            }

            if (!Enum.IsDefined(key.Role))
            {
                errors.Add($"{path}:Role must be Viewer or Operator.");
            }
        }

        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!OriginPolicy.TryNormalize(options.AllowedOrigins[i], out _, out var error))
            {
                errors.Add($"{Root}:AllowedOrigins:{i} ('{options.AllowedOrigins[i]}') {error}.");
            }
        }

        if (options.LoginExpiry <= TimeSpan.Zero || options.LoginExpiry > SecurityOptions.MaxLoginExpiry)
        {
            errors.Add($"{Root}:LoginExpiry must be positive and at most {SecurityOptions.MaxLoginExpiry} (was {options.LoginExpiry}).");
        }

        var lockout = options.Lockout;
        if (lockout.MaxFailures is < 1 or > 100)
        {
            errors.Add($"{Root}:Lockout:MaxFailures must be between 1 and 100 (was {lockout.MaxFailures}).");
        }

        if (lockout.Window <= TimeSpan.Zero || lockout.Window > TimeSpan.FromDays(1))
        {
            errors.Add($"{Root}:Lockout:Window must be positive and at most one day (was {lockout.Window}).");
        }

        if (lockout.Duration <= TimeSpan.Zero || lockout.Duration > TimeSpan.FromDays(1))
        {
            errors.Add($"{Root}:Lockout:Duration must be positive and at most one day (was {lockout.Duration}).");
        }

        if (lockout.MaxFailuresPerAddress is < 1 or > 10_000)
        {
            errors.Add($"{Root}:Lockout:MaxFailuresPerAddress must be between 1 and 10000 (was {lockout.MaxFailuresPerAddress}).");
        }

        if (lockout.MaxConcurrentVerifications is < 1 or > 1024)
        {
            errors.Add($"{Root}:Lockout:MaxConcurrentVerifications must be between 1 and 1024 (was {lockout.MaxConcurrentVerifications}).");
        }

        if (lockout.VerificationWait < TimeSpan.Zero || lockout.VerificationWait > TimeSpan.FromSeconds(30))
        {
            errors.Add($"{Root}:Lockout:VerificationWait must be between 00:00:00 and 00:00:30 (was {lockout.VerificationWait}).");
        }

        if (options.AuditPath is not null && string.IsNullOrWhiteSpace(options.AuditPath))
        {
            errors.Add($"{Root}:AuditPath must name a file, or be left out for {{DataPath}}/audit.db.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ReportDropped<T>(string path, Func<string, bool> bound, List<string> errors)
    {
        foreach (var section in _configuration?.GetSection(path).GetChildren() ?? [])
        {
            if (bound(section.Key))
            {
                continue;
            }

            try
            {
                section.Get<T>();
                errors.Add($"{section.Path} could not be read.");
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex.Message);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex NamePattern();
}
