using System.Security.Cryptography;
using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Security;

/// <summary>
/// The first-run operator's password, kept under <c>DataPath</c> while no user is configured, the way
/// Jenkins keeps <c>initialAdminPassword</c>: <see cref="PasswordFileName"/> holds the password (for the
/// operator to read), <see cref="HashFileName"/> its hash (so a restart keeps the same hash, and a sign-in
/// cookie issued before the restart still matches). Both are created readable by the service user only
/// (mode 0600 on Unix). A restart reuses them; a pair that is missing, unreadable or does not match is
/// replaced by a new password. Once a user is configured the files are deleted.
/// </summary>
internal static class FirstRunCredential
{
    /// <summary>The file with the password, under DataPath.</summary>
    public const string PasswordFileName = "initialAdminPassword";

    /// <summary>The file with its hash, under DataPath.</summary>
    public const string HashFileName = "initialAdminPassword.hash";

    /// <summary>Characters of generated passwords: no look-alikes (0/O, 1/l/I), easy to type.</summary>
    public const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Generated password length: 20 characters of a 57-letter alphabet, about 116 bits.</summary>
    public const int PasswordLength = 20;

    /// <summary>The password file's full path for <paramref name="dataPath"/>.</summary>
    public static string PasswordPath(string dataPath) => Path.GetFullPath(Path.Combine(dataPath, PasswordFileName));

    /// <summary>
    /// The kept password and hash, or new ones written to the files. <paramref name="created"/> says which.
    /// When the files cannot be written (a read-only DataPath), the new password lives for this run only and
    /// <paramref name="path"/> is null.
    /// </summary>
    public static (string Password, string Hash) LoadOrCreate(string dataPath, out bool created, out string? path)
    {
        path = PasswordPath(dataPath);
        var hashPath = Path.Combine(Path.GetDirectoryName(path)!, HashFileName);
        if (TryLoad(path, hashPath) is { } kept)
        {
            created = false;
            return kept;
        }

        var password = RandomNumberGenerator.GetString(PasswordAlphabet, PasswordLength);
        var hash = PasswordHasher.Hash(password);
        created = true;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            WritePrivate(hashPath, hash);
            WritePrivate(path, password);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            path = null;
        }

        return (password, hash);
    }

    /// <summary>Removes the files (users are configured now, so the first-run operator is gone).</summary>
    public static void Delete(string dataPath)
    {
        var path = PasswordPath(dataPath);
        foreach (var file in new[] { path, Path.Combine(Path.GetDirectoryName(path)!, HashFileName) })
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A read-only DataPath keeps them; they no longer sign anyone in.
            }
        }
    }

    private static (string, string)? TryLoad(string path, string hashPath)
    {
        try
        {
            if (!File.Exists(path) || !File.Exists(hashPath))
            {
                return null;
            }

            // Both are tiny; anything longer was not written by this class.
            if (new FileInfo(path).Length > 256 || new FileInfo(hashPath).Length > 1024)
            {
                return null;
            }

            var password = File.ReadAllText(path).Trim();
            var hash = File.ReadAllText(hashPath).Trim();
            return password.Length == PasswordLength && password.All(c => PasswordAlphabet.Contains(c, StringComparison.Ordinal))
                && PasswordHasher.Verify(password, hash)
                ? (password, hash)
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="text"/> to a new file only the owner can read, then moves it into place.</summary>
    private static void WritePrivate(string path, string text)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        OwnerOnlyFile.Create(temporary);
        File.WriteAllText(temporary, text + Environment.NewLine);
        File.Move(temporary, path, overwrite: true);
    }
}
