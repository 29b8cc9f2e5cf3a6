using System.Net;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Admission;
using KestrelTcp.Server.Proxy;
using KestrelTcp.Server.Security;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Validates <see cref="KestrelTcpOptions"/> at start. Each failure names the full configuration key,
/// so a typo in appsettings.json or an environment variable stops the server with a message that says where.
/// </summary>
internal sealed partial class KestrelTcpOptionsValidator : IValidateOptions<KestrelTcpOptions>
{
    /// <summary>The smallest history ring that is not off: a few small frames.</summary>
    internal const int MinHistoryBytesPerSession = 256;

    internal const int MaxHistoryBytesPerSession = 64 * 1024 * 1024;

    /// <summary>1 TiB: more than any machine this runs on, and far from overflowing the accounting.</summary>
    internal const long MaxHistoryTotalBytes = 1L << 40;

    public ValidateOptionsResult Validate(string? name, KestrelTcpOptions options)
    {
        const string Root = KestrelTcpOptions.SectionName;
        var errors = new List<string>();

        // Values of the wrong type (Port=abc, Mode=Shout) are reported by ConfigurationValuesValidator,
        // registered with the binding (CheckedConfigurationBinding); their settings keep their defaults here.

        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            errors.Add($"{Root}:DataPath must name a folder.");
        }
        else if (CheckDataPath(options.DataPath) is { } dataPathError)
        {
            errors.Add($"{Root}:DataPath: {dataPathError}");
        }

        if (options.Listeners.Count == 0)
        {
            errors.Add($"{Root}:Listeners must define at least one listener, for example {Root}:Listeners:default:Port=9000.");
        }

        var endpoints = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (listenerName, listener) in options.Listeners)
        {
            var path = $"{Root}:Listeners:{listenerName}";
            if (!ListenerNamePattern().IsMatch(listenerName))
            {
                errors.Add($"{path}: listener names may use letters, digits, '-' and '_' (1 to 64 characters).");
            }

            if (listener is null)
            {
                errors.Add($"{path} is empty.");
                continue;
            }

            if (!TryParseAddress(listener.Address, out _))
            {
                errors.Add($"{path}:Address must be an IP address, '0.0.0.0', '::' or 'localhost' (was '{listener.Address}').");
            }

            if (listener.Port is < 0 or > 65535)
            {
                errors.Add($"{path}:Port must be between 0 and 65535 (was {listener.Port}).");
            }
            else if (listener.Port != 0 && !endpoints.TryAdd($"{listener.Address}:{listener.Port}", listenerName))
            {
                errors.Add($"{path}:Port {listener.Port} on {listener.Address} is already used by listener '{endpoints[$"{listener.Address}:{listener.Port}"]}'.");
            }

            if (!Enum.IsDefined(listener.Mode))
            {
                errors.Add($"{path}:Mode must be Monitor, Echo or Broker.");
            }

            if (listener.MaxConnections < 1)
            {
                errors.Add($"{path}:MaxConnections must be at least 1 (was {listener.MaxConnections}).");
            }

            if (listener.IdleTimeout < TimeSpan.Zero)
            {
                errors.Add($"{path}:IdleTimeout must be zero (off) or positive (was {listener.IdleTimeout}).");
            }

            if (listener.CloseDrainTimeout <= TimeSpan.Zero)
            {
                errors.Add($"{path}:CloseDrainTimeout must be positive (was {listener.CloseDrainTimeout}).");
            }

            if (listener.KeepAliveTime < TimeSpan.FromSeconds(1) || listener.KeepAliveInterval < TimeSpan.FromSeconds(1))
            {
                errors.Add($"{path}:KeepAliveTime and {path}:KeepAliveInterval must be at least one second.");
            }

            if (listener.OutboundQueueBytes < 1024)
            {
                errors.Add($"{path}:OutboundQueueBytes must be at least 1024 (was {listener.OutboundQueueBytes}).");
            }

            if (listener.FanOutSliceDeliveries is < 1 or > 16 * 1024 * 1024)
            {
                errors.Add($"{path}:FanOutSliceDeliveries must be between 1 and 16777216 (was {listener.FanOutSliceDeliveries}).");
            }

            if (listener.Framing is null)
            {
                errors.Add($"{path}:Framing is required.");
            }
            else
            {
                errors.AddRange(listener.Framing.Validate($"{path}:Framing"));
            }

            if (listener.Tls is not null)
            {
                errors.AddRange(ListenerTls.Validate($"{path}:Tls", listener.Tls));
            }

            if (listener.Identify is not null)
            {
                errors.AddRange(IdentifyOptionsValidator.Validate(path, listener.Identify));
            }

            errors.AddRange(AdmissionOptionsValidator.Validate($"{path}:Admission", listener.Admission, listener.MaxConnections));
            errors.AddRange(ProxyProtocolOptionsValidator.Validate(path, listener));
        }

        if (options.History.Frames is < 0 or > 10_000)
        {
            errors.Add($"{Root}:History:Frames must be between 0 and 10000 (was {options.History.Frames}).");
        }

        if (options.History.PreviewBytes is < 16 or > 1024 * 1024)
        {
            errors.Add($"{Root}:History:PreviewBytes must be between 16 and 1048576 (was {options.History.PreviewBytes}).");
        }

        if (options.MaxTotalOutboundBytes < 1024 * 1024)
        {
            errors.Add($"{Root}:MaxTotalOutboundBytes must be at least 1048576 (1 MiB) (was {options.MaxTotalOutboundBytes}).");
        }

        var perSession = options.History.MaxBytesPerSession;
        if (perSession != 0 && perSession is < MinHistoryBytesPerSession or > MaxHistoryBytesPerSession)
        {
            errors.Add($"{Root}:History:MaxBytesPerSession must be 0 (history off) or between {MinHistoryBytesPerSession} and {MaxHistoryBytesPerSession} (was {perSession}).");
        }

        if (options.History.MaxTotalBytes < Math.Max(0, perSession) || options.History.MaxTotalBytes > MaxHistoryTotalBytes)
        {
            errors.Add($"{Root}:History:MaxTotalBytes must be at least {Root}:History:MaxBytesPerSession ({perSession}) and at most {MaxHistoryTotalBytes} (was {options.History.MaxTotalBytes}).");
        }

        if (options.RecentlyClosedCapacity is < 0 or > 100_000)
        {
            errors.Add($"{Root}:RecentlyClosedCapacity must be between 0 and 100000 (was {options.RecentlyClosedCapacity}).");
        }

        if (options.DrainSessionsPerSecond is < 1 or > 100_000)
        {
            errors.Add($"{Root}:DrainSessionsPerSecond must be between 1 and 100000 (was {options.DrainSessionsPerSecond}).");
        }

        if (options.DrainTimeout <= TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Root}:DrainTimeout must be positive and at most 10 minutes (was {options.DrainTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Creates the data folder if need be and checks that a file can be written in it; null
    /// when it can, else why not. The audit log and the keys are written there, so a folder that cannot
    /// take them must stop the start here, with its key, not later with a stack trace.</summary>
    internal static string? CheckDataPath(string dataPath)
    {
        var folder = Path.GetFullPath(dataPath);
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"the folder '{folder}' cannot be created or written ({ex.Message}).";
        }
    }

    internal static bool TryParseAddress(string? text, out IPAddress address)
    {
        switch (text)
        {
            case "localhost":
                address = IPAddress.Loopback;
                return true;
            case "*" or "+":
                address = IPAddress.IPv6Any;
                return true;
            default:
                return IPAddress.TryParse(text, out address!);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ListenerNamePattern();
}
