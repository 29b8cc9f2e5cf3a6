using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// The host copies <c>--urls</c> / <c>ASPNETCORE_URLS</c> into the server's address list just before
/// Kestrel starts; with endpoints bound in code (the TCP listeners, and those URLs via
/// <see cref="HttpEndpoints"/>) Kestrel would then warn that it is "overriding" them. The URLs are
/// already bound, so the list is emptied while the pipeline is built, which runs between the two.
/// </summary>
internal sealed class HostingUrlsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var addresses = app.ServerFeatures.Get<IServerAddressesFeature>();
        if (addresses is not null && !addresses.Addresses.IsReadOnly)
        {
            addresses.Addresses.Clear();
        }

        next(app);
    };
}
