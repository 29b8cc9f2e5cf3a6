namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Puts first in the pipeline the middleware that tells <see cref="HttpConnectionBudget"/> when a
/// connection has a request in progress: a connection is never closed as idle in the middle of a
/// request, and idle time counts from its last request's end.
/// </summary>
internal sealed class HttpActivityStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static async (context, nextMiddleware) =>
        {
            if (context.Features.Get<HttpConnectionState>() is not { } state)
            {
                await nextMiddleware(context).ConfigureAwait(false);
                return;
            }

            state.RequestStarted();
            try
            {
                await nextMiddleware(context).ConfigureAwait(false);
            }
            finally
            {
                state.RequestEnded();
            }
        });
        next(app);
    };
}
