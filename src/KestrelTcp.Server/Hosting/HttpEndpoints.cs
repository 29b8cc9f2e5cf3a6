using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Binds the HTTP side (dashboard, API, hub) from the standard <c>--urls</c> / <c>ASPNETCORE_URLS</c>
/// setting. Kestrel ignores those once any endpoint is bound in code, and the TCP listeners are, so the
/// URLs are read at startup and bound here instead.
/// </summary>
internal static class HttpEndpoints
{
    /// <summary>Used when neither <c>urls</c> nor <c>http_ports</c> is configured.</summary>
    public const string DefaultUrls = "http://localhost:5000";

    /// <summary>Reads the configured URLs and removes them from the host's settings, so Kestrel does not
    /// warn about "overriding" them.</summary>
    public static string Take(WebApplicationBuilder builder)
    {
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        var httpPorts = builder.Configuration[WebHostDefaults.HttpPortsKey];
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, string.Empty);
        if (!string.IsNullOrWhiteSpace(urls))
        {
            return urls;
        }

        if (!string.IsNullOrWhiteSpace(httpPorts))
        {
            return string.Join(';', httpPorts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        }

        return DefaultUrls;
    }

    public static void Bind(KestrelServerOptions kestrel, string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"urls: '{url}' is not a valid URL ({ex.Message}).", ex);
            }

            if (address.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"urls: '{url}' must use http or https.");
            }

            var https = address.Scheme == "https";
            Action<ListenOptions> configure = https ? static o => o.UseHttps() : static _ => { };
            if (address.Host is "localhost" && address.Port != 0)
            {
                kestrel.ListenLocalhost(address.Port, configure);
            }
            else if (address.Host is "localhost")
            {
                kestrel.Listen(IPAddress.Loopback, 0, configure);
            }
            else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
            {
                kestrel.Listen(ip, address.Port, configure);
            }
            else
            {
                // "*", "+", "0.0.0.0" spelled as a host name: every interface, as Kestrel itself does.
                kestrel.ListenAnyIP(address.Port, configure);
            }
        }
    }
}
