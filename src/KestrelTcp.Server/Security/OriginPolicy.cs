using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Decides whether a browser's <c>Origin</c> may use the API, the hub and the sign-in endpoints: the
/// server's own origin always may, others only when listed in <see cref="SecurityOptions.AllowedOrigins"/>.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;

    public OriginPolicy(IOptions<SecurityOptions> options)
    {
        _allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var origin in options.Value.AllowedOrigins)
        {
            if (TryNormalize(origin, out var normalized, out _))
            {
                _allowed.Add(normalized);
            }
        }
    }

    /// <summary>True when the request carries no <c>Origin</c> (not a cross-origin browser request), or
    /// one that is the server's own or on the allow-list.</summary>
    public bool IsAllowed(HttpRequest request, [NotNullWhen(false)] out string? origin)
    {
        origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        if (!TryNormalize(origin, out var normalized, out _))
        {
            // "null" (sandboxed frames, file: pages) and anything malformed.
            return false;
        }

        if (_allowed.Contains(normalized))
        {
            return true;
        }

        return TryNormalize($"{request.Scheme}://{request.Host.Value}", out var own, out _)
            && string.Equals(normalized, own, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Turns an origin into <c>scheme://host[:port]</c> (default port left out), or says why it is not one.</summary>
    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? origin, [NotNullWhen(false)] out string? error)
    {
        origin = null;
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            error = "must be an http or https origin such as 'https://ops.example.com'";
            return false;
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = "must be only scheme, host and port, without a path, query or user";
            return false;
        }

        origin = uri.GetLeftPart(UriPartial.Authority);
        error = null;
        return true;
    }
}
