namespace KestrelTcp.Server.Security;

/// <summary>Which paths are open without signing in, and which are API-like (answered with 401/403, never a redirect).</summary>
internal static class PublicPaths
{
    /// <summary>The sign-in page.</summary>
    public const string LoginPage = "/login.html";

    /// <summary>The sign-in page and its assets; served before authentication.</summary>
    private static readonly HashSet<string> LoginAssets = new(StringComparer.OrdinalIgnoreCase)
    {
        LoginPage,
        "/css/login.css",
        "/js/login.js",
        "/favicon.svg",
    };

    /// <summary>Path prefixes of machine endpoints, guarded by the origin check.</summary>
    private static readonly PathString[] ApiPrefixes = [new("/api"), new("/hubs"), new("/auth")];

    public static bool IsLoginAsset(PathString path) => path.HasValue && LoginAssets.Contains(path.Value!);

    public static bool IsApi(PathString path)
    {
        foreach (var prefix in ApiPrefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A browser navigating to a page (GET for HTML, outside the API), which a missing sign-in
    /// sends to the sign-in page; everything else gets a plain 401.</summary>
    public static bool IsPageNavigation(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !IsApi(request.Path)
        && !request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
