using System.Net;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Metrics;

/// <summary>Validates <see cref="MetricsOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    private readonly IOptions<KestrelTcpOptions> _server;
    private readonly IConfiguration _configuration;

    public MetricsOptionsValidator(IOptions<KestrelTcpOptions> server, IConfiguration configuration)
    {
        _server = server;
        _configuration = configuration;
    }

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        const string Root = MetricsOptions.SectionName;
        var errors = new List<string>();
        if (options.Port is { } port)
        {
            if (port is < 0 or > IPEndPoint.MaxPort)
            {
                errors.Add($"{Root}:Port must be between 1 and {IPEndPoint.MaxPort}, or left out for no separate metrics port (was {port}).");
            }
            else if (port != 0 && ListenerOn(port) is { } listener)
            {
                errors.Add($"{Root}:Port {port} is the port of TCP listener '{listener}' ({KestrelTcpOptions.SectionName}:Listeners:{listener}:Port); give the metrics their own port.");
            }
            else if (port != 0 && IsHttpPort(port))
            {
                errors.Add($"{Root}:Port {port} is a port of the HTTP side (urls: {HttpEndpoints.Read(_configuration)}), where /metrics already answers with sign-in; give the port without sign-in a port of its own.");
            }

            if (!IPAddress.TryParse(options.Address, out _))
            {
                errors.Add($"{Root}:Address must be an IP address such as 0.0.0.0 or 127.0.0.1 (was '{options.Address}').");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private bool IsHttpPort(int port)
    {
        foreach (var url in HttpEndpoints.Read(_configuration).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                if (Microsoft.AspNetCore.Http.BindingAddress.Parse(url).Port == port)
                {
                    return true;
                }
            }
            catch (FormatException)
            {
                // A bad URL is reported, naming urls, when the HTTP side is bound.
            }
        }

        return false;
    }

    private string? ListenerOn(int port)
    {
        try
        {
            return _server.Value.Listeners.FirstOrDefault(l => l.Value?.Port == port).Key;
        }
        catch (OptionsValidationException)
        {
            // The listeners' own errors are reported by their validator.
            return null;
        }
    }
}
