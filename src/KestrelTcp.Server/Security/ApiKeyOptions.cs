namespace KestrelTcp.Server.Security;

/// <summary>One API key for automation, configured under <c>KestrelTcp:Security:ApiKeys:{name}</c>.
/// Clients send the key in the <c>X-Api-Key</c> header; the name is what the audit log records.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The key as a PBKDF2 hash, as printed by
    /// <c>dotnet run --project src/KestrelTcp.Server -- generate-api-key</c> (or <c>hash-password</c> for a
    /// key you chose). Never the key itself.</summary>
    public string? KeyHash { get; set; }

    /// <summary>Viewer or Operator. Default Viewer, the least privilege.</summary>
    public SecurityRole Role { get; set; } = SecurityRole.Viewer;
}
