namespace KestrelTcp.Server.Security;

/// <summary>
/// Adds the browser-safety headers to every response: a Content-Security-Policy without
/// <c>unsafe-inline</c> or <c>unsafe-eval</c> (device data can only ever be text), no framing, no MIME
/// sniffing, no referrer. Set when the response starts, so error pages carry them too.
/// </summary>
internal sealed class SecurityHeadersMiddleware
{
    /// <summary>
    /// Scripts, styles and connections only from this origin (<c>'self'</c> covers the hub's ws:/wss: to
    /// the same host), images also as data: URLs, no plugins, no &lt;base&gt;, forms only to this origin,
    /// and no page may frame the dashboard.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Func<object, Task> AddHeaders = static state =>
    {
        var headers = ((HttpResponse)state).Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        return Task.CompletedTask;
    };

    private readonly RequestDelegate _next;

    public SecurityHeadersMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(AddHeaders, context.Response);
        return _next(context);
    }
}
