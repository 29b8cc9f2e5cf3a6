using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

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

    /// <summary>Reads the configured URLs (<c>urls</c>, else <c>http_ports</c>, else the default). The host
    /// also hands them to the server's address list; <see cref="HostingUrlsStartupFilter"/> clears that
    /// copy, since these bindings replace it.</summary>
    public static string Read(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var httpPorts = configuration[WebHostDefaults.HttpPortsKey];
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

    /// <summary>A bad URL is a configuration error like any other: reported at start naming the setting.</summary>
    private static OptionsValidationException Invalid(string message) =>
        new(WebHostDefaults.ServerUrlsKey, typeof(KestrelServerOptions), [message]);

    /// <summary>Binds each URL; <paramref name="connection"/> runs first on each endpoint (before TLS).</summary>
    public static void Bind(KestrelServerOptions kestrel, string urls, Action<ListenOptions> connection)
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
                throw Invalid($"urls: '{url}' is not a valid URL ({ex.Message}).");
            }

            if (address.Scheme is not ("http" or "https"))
            {
                throw Invalid($"urls: '{url}' must use http or https.");
            }

            var https = address.Scheme == "https";
            Action<ListenOptions> configure = https
                ? o =>
                {
                    connection(o);
                    o.UseHttps();
                }
                : connection;
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
