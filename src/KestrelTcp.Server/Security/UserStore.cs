using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// The dashboard users from <see cref="SecurityOptions.Users"/>. When none is configured, a first-run
/// operator <see cref="FirstRunUserName"/> with a random password exists for this run only: its hash is
/// kept in memory and the password is handed once to <see cref="FirstRunNotice"/> for the console.
/// </summary>
internal sealed class UserStore
{
    /// <summary>The first-run operator's name.</summary>
    public const string FirstRunUserName = "admin";

    /// <summary>Characters of generated passwords: no look-alikes (0/O, 1/l/I), easy to type.</summary>
    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Generated password length: 20 characters of a 57-letter alphabet, about 116 bits.</summary>
    private const int PasswordLength = 20;

    private readonly Dictionary<string, Account> _users = new(StringComparer.OrdinalIgnoreCase);
    private string? _firstRunPassword;

    public UserStore(IOptions<SecurityOptions> options)
    {
        foreach (var (name, user) in options.Value.Users)
        {
            _users[name] = new Account(name, user.PasswordHash!.Trim(), user.Role);
        }

        if (_users.Count == 0)
        {
            _firstRunPassword = RandomNumberGenerator.GetString(PasswordAlphabet, PasswordLength);
            _users[FirstRunUserName] = new Account(FirstRunUserName, PasswordHasher.Hash(_firstRunPassword), SecurityRole.Operator);
            IsFirstRun = true;
        }
    }

    /// <summary>True when no user was configured and the first-run operator was created.</summary>
    public bool IsFirstRun { get; }

    /// <summary>The first-run password, the first time it is asked for; null ever after (and when users are configured).</summary>
    public string? TakeFirstRunPassword() => Interlocked.Exchange(ref _firstRunPassword, null);

    public Account? Find(string? name) => name is not null && _users.TryGetValue(name, out var account) ? account : null;

    /// <summary>Checks a user name and password. An unknown name costs as much time as a wrong password,
    /// so timing does not tell which names exist.</summary>
    public bool TryVerify(string name, string password, [NotNullWhen(true)] out Account? account)
    {
        account = Find(name);
        if (account is null)
        {
            PasswordHasher.VerifyDecoy(password);
            return false;
        }

        if (PasswordHasher.Verify(password, account.Hash))
        {
            return true;
        }

        account = null;
        return false;
    }
}
