using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KestrelTcp.Server.Security;

/// <summary>
/// PBKDF2 password and API key hashes in a self-describing text form:
/// <c>pbkdf2-sha256.{iterations}.{salt}.{hash}</c>, salt and hash in base64url. Dots and base64url keep
/// the value safe to paste into JSON, a shell or a compose file (no <c>$</c>, no quotes needed).
/// </summary>
internal static class PasswordHasher
{
    /// <summary>The algorithm tag at the start of every hash.</summary>
    public const string Prefix = "pbkdf2-sha256";

    /// <summary>Iterations for new hashes: 600,000, the current OWASP figure for PBKDF2-HMAC-SHA256
    /// (about 0.15 s on one core).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Fewest iterations a configured hash may use; weaker ones are refused at start.</summary>
    public const int MinIterations = 100_000;

    /// <summary>Most iterations accepted, so that a configured hash cannot make each check take minutes.</summary>
    public const int MaxIterations = 10_000_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A fixed, valid hash to check against when the user does not exist, so that an unknown
    /// name takes as long to refuse as a wrong password.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => Hash(Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return string.Join('.', Prefix, iterations.ToString(CultureInfo.InvariantCulture), Base64Url.EncodeToString(salt), Base64Url.EncodeToString(hash));
    }

    /// <summary>Checks <paramref name="password"/> against <paramref name="encoded"/> in constant time.
    /// A malformed hash never matches.</summary>
    public static bool Verify(string password, string? encoded)
    {
        if (!TryParse(encoded, out var iterations, out var salt, out var expected, out _))
        {
            return false;
        }

        var actual = Derive(password, salt, iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Spends the time of one verification without a real hash to compare against.</summary>
    public static void VerifyDecoy(string password) => Verify(password, DecoyHash.Value);

    /// <summary>Checks the form of a configured hash; <paramref name="error"/> says what is wrong.</summary>
    public static bool IsWellFormed(string? encoded, [NotNullWhen(false)] out string? error) =>
        TryParse(encoded, out _, out _, out _, out error);

    private static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] hash, [NotNullWhen(false)] out string? error)
    {
        iterations = 0;
        salt = hash = [];
        var parts = encoded?.Trim().Split('.') ?? [];
        if (parts.Length != 4 || parts[0] != Prefix)
        {
            error = $"must look like '{Prefix}.<iterations>.<salt>.<hash>' (create one with the hash-password command)";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations is < MinIterations or > MaxIterations)
        {
            error = $"must use between {MinIterations} and {MaxIterations} iterations (has '{parts[1]}')";
            return false;
        }

        try
        {
            salt = Base64Url.DecodeFromChars(parts[2]);
            hash = Base64Url.DecodeFromChars(parts[3]);
        }
        catch (FormatException)
        {
            error = "has a salt or hash that is not valid base64url";
            return false;
        }

        if (salt.Length < SaltBytes || hash.Length != HashBytes)
        {
            error = $"must have a salt of at least {SaltBytes} bytes and a {HashBytes}-byte hash";
            return false;
        }

        error = null;
        return true;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
