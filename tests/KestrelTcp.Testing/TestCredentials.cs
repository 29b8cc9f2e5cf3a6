using System.Security.Cryptography;
using KestrelTcp.Server.Security;

namespace KestrelTcp.Testing;

/// <summary>
/// The users and API keys every <see cref="TestServer"/> is configured with (unless a test opts out):
/// random per test run, hashed once per process with the fewest accepted PBKDF2 iterations, so that
/// starting a server stays cheap.
/// </summary>
public static class TestCredentials
{
    public const string OperatorUserName = "operator";
    public const string ViewerUserName = "viewer";
    public const string OperatorKeyName = "test-operator";
    public const string ViewerKeyName = "test-viewer";

    private static readonly Lazy<IReadOnlyDictionary<string, string?>> Hashed = new(CreateSettings);

    public static string OperatorPassword { get; } = RandomSecret("op-");

    public static string ViewerPassword { get; } = RandomSecret("vw-");

    public static string OperatorApiKey { get; } = RandomSecret("ktcp_op_");

    public static string ViewerApiKey { get; } = RandomSecret("ktcp_vw_");

    /// <summary>The configuration entries that define the two users and the two keys.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => Hashed.Value;

    public static string ApiKey(TestRole role) => role switch
    {
        TestRole.Operator => OperatorApiKey,
        TestRole.Viewer => ViewerApiKey,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Anonymous has no key."),
    };

    public static (string UserName, string Password) User(TestRole role) => role switch
    {
        TestRole.Operator => (OperatorUserName, OperatorPassword),
        TestRole.Viewer => (ViewerUserName, ViewerPassword),
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Anonymous has no user."),
    };

    private static string RandomSecret(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static Dictionary<string, string?> CreateSettings()
    {
        const string Root = SecurityOptions.SectionName;
        static string Hash(string secret) => PasswordHasher.Hash(secret, PasswordHasher.MinIterations);
        return new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{Root}:Users:{OperatorUserName}:PasswordHash"] = Hash(OperatorPassword),
            [$"{Root}:Users:{OperatorUserName}:Role"] = "Operator",
            [$"{Root}:Users:{ViewerUserName}:PasswordHash"] = Hash(ViewerPassword),
            [$"{Root}:Users:{ViewerUserName}:Role"] = "Viewer",
            [$"{Root}:ApiKeys:{OperatorKeyName}:KeyHash"] = Hash(OperatorApiKey),
            [$"{Root}:ApiKeys:{OperatorKeyName}:Role"] = "Operator",
            [$"{Root}:ApiKeys:{ViewerKeyName}:KeyHash"] = Hash(ViewerApiKey),
            [$"{Root}:ApiKeys:{ViewerKeyName}:Role"] = "Viewer",
        };
    }
}
