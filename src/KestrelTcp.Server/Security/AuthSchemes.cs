namespace KestrelTcp.Server.Security;

/// <summary>The authentication schemes and the API key header.</summary>
public static class AuthSchemes
{
    /// <summary>The default scheme: an API key when the request has an <see cref="ApiKeyHeader"/>, the
    /// sign-in cookie otherwise.</summary>
    public const string Default = "KestrelTcp";

    /// <summary>The browser's sign-in cookie.</summary>
    public const string Cookie = "Cookie";

    /// <summary>An API key in the <see cref="ApiKeyHeader"/> header.</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>The request header that carries an API key (REST calls, and the hub's negotiate and
    /// WebSocket requests from .NET clients).</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The sign-in cookie's name.</summary>
    public const string CookieName = "KestrelTcp.Auth";
}
