using System.Security.Cryptography;
using System.Text;

namespace KestrelTcp.Server.Security;

/// <summary>A configured user or API key: its name, stored hash and role.</summary>
/// <param name="Name">The name as configured.</param>
/// <param name="Hash">The PBKDF2 hash of the password or key.</param>
/// <param name="Role">Viewer or Operator.</param>
internal sealed record Account(string Name, string Hash, SecurityRole Role)
{
    /// <summary>A short fingerprint of the hash and role, stored in the sign-in cookie: a cookie issued
    /// before the password or role changed no longer matches. Reveals nothing usable about the hash.</summary>
    public string Stamp { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{Hash}|{Role}")), 0, 16);
}
