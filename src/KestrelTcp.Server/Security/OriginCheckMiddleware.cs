namespace KestrelTcp.Server.Security;

/// <summary>
/// Refuses API, hub (including WebSocket upgrades, which browsers send cross-origin without any CORS
/// check) and sign-in requests that a browser marked with a foreign <c>Origin</c>: 403 with a
/// ProblemDetails body. Together with the SameSite=Strict cookie this stops cross-site request forgery
/// and cross-site WebSocket hijacking. Requests without an <c>Origin</c> (curl, .NET clients) pass.
/// </summary>
internal sealed class OriginCheckMiddleware
{
    private readonly RequestDelegate _next;
    private readonly OriginPolicy _policy;
    private readonly ILogger<OriginCheckMiddleware> _logger;

    public OriginCheckMiddleware(RequestDelegate next, OriginPolicy policy, ILogger<OriginCheckMiddleware> logger)
    {
        _next = next;
        _policy = policy;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!PublicPaths.IsApi(context.Request.Path) || _policy.IsAllowed(context.Request, out var origin))
        {
            return _next(context);
        }

        _logger.OriginRefused(context.Request.Method, context.Request.Path, origin);
        return TypedResults.Problem(
            detail: "Requests from this origin are not allowed. If it is yours, add it to KestrelTcp:Security:AllowedOrigins.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Origin not allowed.").ExecuteAsync(context);
    }
}
