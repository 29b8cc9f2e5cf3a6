using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>Validates <see cref="CommandChannelOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class CommandChannelOptionsValidator : IValidateOptions<CommandChannelOptions>
{
    public ValidateOptionsResult Validate(string? name, CommandChannelOptions options)
    {
        const string Root = ClusterOptions.SectionName;
        var errors = new List<string>();
        if (options.MaxCommandBytes is < 64 * 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"{Root}:MaxCommandBytes must be between 65536 and 67108864 (was {options.MaxCommandBytes}).");
        }

        if (options.MaxPendingCommands is < 1 or > 1_000_000)
        {
            errors.Add($"{Root}:MaxPendingCommands must be between 1 and 1000000 (was {options.MaxPendingCommands}).");
        }

        if (options.MaxConcurrentRemoteCommands is < 1 or > 4096)
        {
            errors.Add($"{Root}:MaxConcurrentRemoteCommands must be between 1 and 4096 (was {options.MaxConcurrentRemoteCommands}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
