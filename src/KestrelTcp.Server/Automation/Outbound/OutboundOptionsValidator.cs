using System.Net;
using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Outbound;

/// <summary>
/// Checks <c>KestrelTcp:Outbound</c> at start: the allow-list parses, the bounds are in range, and every
/// configured connection is valid, named apart from the listeners, and aimed at an allowed target (a host
/// name is resolved now and every address checked; one that does not resolve yet is left to the dial loop).
/// </summary>
internal sealed class OutboundOptionsValidator(IOptions<KestrelTcpOptions> server) : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        var section = OutboundOptions.SectionName;
        var errors = new List<string>();
        if (!AllowedTargets.TryParse(options.AllowedTargets, out var allowed, out var error))
        {
            errors.Add($"{section}:{error}");
        }

        if (options.MaxConnections is < 1 or > 10_000)
        {
            errors.Add($"{section}:MaxConnections must be between 1 and 10000 (was {options.MaxConnections}).");
        }

        if (options.ConnectTimeout < TimeSpan.FromMilliseconds(100) || options.ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{section}:ConnectTimeout must be between 100 ms and 5 minutes (was {options.ConnectTimeout}).");
        }

        if (options.MaxReconnectDelayLimit < TimeSpan.FromSeconds(1) || options.MaxReconnectDelayLimit > TimeSpan.FromDays(1))
        {
            errors.Add($"{section}:MaxReconnectDelayLimit must be between 1 second and 1 day (was {options.MaxReconnectDelayLimit}).");
        }

        if (options.Connections.Count > options.MaxConnections)
        {
            errors.Add($"{section}: {options.Connections.Count} connections are configured, more than {section}:MaxConnections ({options.MaxConnections}).");
        }

        foreach (var (connectionName, connection) in options.Connections)
        {
            var path = $"{section}:{connectionName}";
            if (!OutboundConnectionValidation.IsValidName(connectionName))
            {
                errors.Add($"{path}: the name must be {OutboundConnectionValidation.NameRule}.");
            }

            if (server.Value.Listeners.ContainsKey(connectionName))
            {
                errors.Add($"{path}: the name is already a listener's (KestrelTcp:Listeners:{connectionName}); sessions name their listener, so the two must differ.");
            }

            var problems = OutboundConnectionValidation.Validate(path, connection, options.MaxReconnectDelayLimit, out var target);
            errors.AddRange(problems);
            if (target is not null && allowed is not null)
            {
                foreach (var address in Resolve(target.Host))
                {
                    if (!allowed.Allows(address, target.Port))
                    {
                        var list = allowed.IsEmpty ? "it is empty: no outbound dialing is allowed" : string.Join(", ", allowed.Text);
                        errors.Add($"{path}:Target {target} ({address}) is not in {section}:AllowedTargets ({list}).");
                        break;
                    }
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IPAddress[] Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
    }
}
