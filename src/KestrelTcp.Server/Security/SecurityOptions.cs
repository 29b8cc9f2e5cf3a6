namespace KestrelTcp.Server.Security;

/// <summary>
/// Authentication, authorization, browser safety and audit settings, bound from
/// <c>KestrelTcp:Security</c>. With no user configured, the server creates a first-run operator
/// <c>admin</c> with a random password and prints it once to the console.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "KestrelTcp:Security";

    /// <summary>The longest a sign-in may last without activity: 8 hours, a working day.</summary>
    public static readonly TimeSpan MaxLoginExpiry = TimeSpan.FromHours(8);

    /// <summary>Dashboard users by name (names are case-insensitive).</summary>
    public Dictionary<string, UserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>API keys by name; the name is recorded in the audit log.</summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Origins other than the server's own (for example <c>https://ops.example.com</c>) whose
    /// pages may call the API and open the hub. Same-origin requests are always allowed; requests from
    /// any other origin that a browser marks with an <c>Origin</c> header are refused with 403.
    /// Behind a TLS-terminating proxy, list the public origin here. Default: none.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>How long a sign-in lasts without activity (sliding). Default and maximum: 8 hours.</summary>
    public TimeSpan LoginExpiry { get; set; } = MaxLoginExpiry;

    /// <summary>Failed sign-in limits.</summary>
    public LockoutOptions Lockout { get; set; } = new();

    /// <summary>The SQLite audit log file. Default <c>{DataPath}/audit.db</c>, inside the data folder
    /// (a volume in the container). Relative paths are resolved against the working directory.</summary>
    public string? AuditPath { get; set; }
}
