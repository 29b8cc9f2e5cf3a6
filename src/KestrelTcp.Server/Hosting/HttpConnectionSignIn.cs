namespace KestrelTcp.Server.Hosting;

/// <summary>The hook the security pipeline calls right after authentication: a request that signed in
/// (valid cookie or API key) moves its connection to the signed-in share of the HTTP budget.</summary>
internal static class HttpConnectionSignIn
{
    public static IApplicationBuilder UseSignedInHttpConnections(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true && context.Features.Get<HttpConnectionState>() is { } state)
            {
                state.Budget.MarkSignedIn(state);
            }

            return next(context);
        });
}
