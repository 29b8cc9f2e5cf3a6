using System.Diagnostics.CodeAnalysis;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// The dashboard users from <see cref="SecurityOptions.Users"/>. When none is configured, a first-run
/// operator <see cref="FirstRunUserName"/> exists with a random password kept under <c>DataPath</c>
/// (<see cref="FirstRunCredential"/>), so a restart keeps the operator signed in; <see cref="FirstRunNotice"/>
/// says where the password is. Configuring a user removes it.
/// </summary>
internal sealed class UserStore
{
    /// <summary>The first-run operator's name.</summary>
    public const string FirstRunUserName = "admin";

    private readonly Dictionary<string, Account> _users = new(StringComparer.OrdinalIgnoreCase);
    private string? _firstRunPassword;

    public UserStore(IOptions<SecurityOptions> options, IOptions<KestrelTcpOptions> server)
    {
        foreach (var (name, user) in options.Value.Users)
        {
            _users[name] = new Account(name, user.PasswordHash!.Trim(), user.Role);
        }

        if (_users.Count > 0)
        {
            FirstRunCredential.Delete(server.Value.DataPath);
            return;
        }

        var (password, hash) = FirstRunCredential.LoadOrCreate(server.Value.DataPath, out var created, out var path);
        _users[FirstRunUserName] = new Account(FirstRunUserName, hash, SecurityRole.Operator);
        IsFirstRun = true;
        FirstRunPasswordCreated = created;
        FirstRunPasswordPath = path;
        // Only a password that could not be kept in a file is handed to the console.
        _firstRunPassword = path is null ? password : null;
    }

    /// <summary>True when no user was configured and the first-run operator exists.</summary>
    public bool IsFirstRun { get; }

    /// <summary>Whether this start made the first-run password (false: it was kept from an earlier start).</summary>
    public bool FirstRunPasswordCreated { get; }

    /// <summary>The file that holds the first-run password; null when it could not be written (then the
    /// password is for this run only and <see cref="TakeFirstRunPassword"/> hands it out once).</summary>
    public string? FirstRunPasswordPath { get; }

    /// <summary>The first-run password when it could not be kept in a file, the first time it is asked for;
    /// null ever after, when it is in its file, and when users are configured.</summary>
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
