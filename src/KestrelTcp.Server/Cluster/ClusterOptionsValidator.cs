using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster;

/// <summary>Validates <see cref="ClusterOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public const int MaxNodeNameLength = 63;

    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        const string Root = ClusterOptions.SectionName;
        var errors = new List<string>();
        if (options.Enabled)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(options.Redis!);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
            {
                errors.Add($"{Root}:Redis is not a valid StackExchange.Redis configuration string: {ex.Message}");
            }
        }

        if (!IsValidNodeName(options.EffectiveNodeName))
        {
            errors.Add($"{Root}:NodeName must be 1 to {MaxNodeNameLength} letters, digits, '.', '_' or '-' (was '{options.EffectiveNodeName}').");
        }

        Between(errors, $"{Root}:HeartbeatInterval", options.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Between(errors, $"{Root}:NodeTimeout", options.NodeTimeout, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10));
        if (options.NodeTimeout < 2 * options.HeartbeatInterval)
        {
            errors.Add($"{Root}:NodeTimeout must be at least twice {Root}:HeartbeatInterval ({2 * options.HeartbeatInterval}), or one late heartbeat marks a live node Down (was {options.NodeTimeout}).");
        }

        Between(errors, $"{Root}:DirectoryInterval", options.DirectoryInterval, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30));
        Between(errors, $"{Root}:CountersInterval", options.CountersInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Between(errors, $"{Root}:CommandTimeout", options.CommandTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2));
        Between(errors, $"{Root}:DownNodeRetention", options.DownNodeRetention, TimeSpan.Zero, TimeSpan.FromDays(7));
        if (options.MaxNodes is < 2 or > 1024)
        {
            errors.Add($"{Root}:MaxNodes must be between 2 and 1024 (was {options.MaxNodes}).");
        }

        if (options.MaxSessionsPerNode is < 1 or > 10_000_000)
        {
            errors.Add($"{Root}:MaxSessionsPerNode must be between 1 and 10000000 (was {options.MaxSessionsPerNode}).");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix) || options.KeyPrefix.Length > 64 || options.KeyPrefix.Any(char.IsWhiteSpace))
        {
            errors.Add($"{Root}:KeyPrefix must be 1 to 64 characters without spaces (was '{options.KeyPrefix}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static bool IsValidNodeName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNodeNameLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static void Between(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }
}
