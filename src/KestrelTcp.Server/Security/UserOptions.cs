namespace KestrelTcp.Server.Security;

/// <summary>One dashboard user, configured under <c>KestrelTcp:Security:Users:{name}</c>.</summary>
public sealed class UserOptions
{
    /// <summary>The password as a PBKDF2 hash, as printed by
    /// <c>dotnet run --project src/KestrelTcp.Server -- hash-password</c>. Never the password itself.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Viewer or Operator. Default Viewer, the least privilege.</summary>
    public SecurityRole Role { get; set; } = SecurityRole.Viewer;
}
