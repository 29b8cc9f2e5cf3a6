using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// The API keys from <see cref="SecurityOptions.ApiKeys"/>, stored as PBKDF2 hashes. A key is checked
/// against every configured hash once; after that, a match is remembered under the SHA-256 of the key
/// so that later requests cost a dictionary look-up, not a PBKDF2 run. Only matches are remembered, so
/// the cache holds at most one entry per configured key.
/// </summary>
internal sealed class ApiKeyStore
{
    /// <summary>Longest key accepted; longer header values are refused without hashing.</summary>
    public const int MaxKeyLength = 256;

    private readonly Account[] _keys;
    private readonly ConcurrentDictionary<string, Account> _verified = new(StringComparer.Ordinal);

    public ApiKeyStore(IOptions<SecurityOptions> options)
    {
        _keys = [.. options.Value.ApiKeys.Select(k => new Account(k.Key, k.Value.KeyHash!.Trim(), k.Value.Role))];
    }

    public bool IsEmpty => _keys.Length == 0;

    /// <summary>The cheap half of <see cref="TryFind"/>: only keys already verified once (a SHA-256 and a
    /// dictionary look-up, no PBKDF2), so known keys need no password-check slot.</summary>
    public bool TryFindVerified(string key, [NotNullWhen(true)] out Account? account)
    {
        account = null;
        return !string.IsNullOrEmpty(key) && key.Length <= MaxKeyLength
            && _verified.TryGetValue(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))), out account);
    }

    public bool TryFind(string key, [NotNullWhen(true)] out Account? account)
    {
        account = null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || _keys.Length == 0)
        {
            return false;
        }

        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (_verified.TryGetValue(fingerprint, out account))
        {
            return true;
        }

        foreach (var candidate in _keys)
        {
            if (PasswordHasher.Verify(key, candidate.Hash))
            {
                account = _verified.GetOrAdd(fingerprint, candidate);
                return true;
            }
        }

        return false;
    }
}
