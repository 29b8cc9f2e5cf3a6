using System.Net;
using System.Security.Claims;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Security;

/// <summary>Builds and reads the claims of signed-in users and API keys.</summary>
public static class SecurityClaims
{
    /// <summary>User or ApiKey (see <see cref="ActorKind"/>).</summary>
    public const string Kind = "ktcp:kind";

    /// <summary>A fingerprint of the user's password hash when they signed in: when the password (or
    /// role) changes in configuration, older sign-ins stop working.</summary>
    public const string Stamp = "ktcp:stamp";

    internal static ClaimsPrincipal CreatePrincipal(string name, SecurityRole role, ActorKind kind, string? stamp, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(ClaimTypes.Role, role.ToString()),
            new(Kind, kind.ToString()),
        };
        if (stamp is not null)
        {
            claims.Add(new Claim(Stamp, stamp));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The caller's role, or null when not authenticated.</summary>
    public static SecurityRole? GetRole(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true && Enum.TryParse<SecurityRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;
    }

    /// <summary>How the caller authenticated.</summary>
    public static ActorKind GetKind(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true && Enum.TryParse<ActorKind>(user.FindFirstValue(Kind), out var kind) ? kind : ActorKind.Anonymous;
    }

    /// <summary>
    /// The actor for <see cref="SessionCommands"/> and the audit log: name, role, how they authenticated,
    /// and where from. The API uses it with the HTTP connection's address; the hub with
    /// <c>Context.User</c> and <c>Context.GetHttpContext()?.Connection.RemoteIpAddress</c>.
    /// </summary>
    public static CommandActor ToActor(this ClaimsPrincipal user, IPAddress? remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(user);
        var kind = user.GetKind();
        var name = kind == ActorKind.Anonymous ? "anonymous" : user.Identity?.Name ?? "unknown";
        return new CommandActor(name, FormatAddress(remoteAddress), user.GetRole(), kind);
    }

    /// <summary>An address as text, IPv4 addresses that arrived on a dual-stack socket shown as IPv4.</summary>
    internal static string? FormatAddress(IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
