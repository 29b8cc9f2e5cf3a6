using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices;

/// <summary>Validates <see cref="DevicesOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class DevicesOptionsValidator : IValidateOptions<DevicesOptions>
{
    public ValidateOptionsResult Validate(string? name, DevicesOptions options)
    {
        const string Root = DevicesOptions.SectionName;
        var errors = new List<string>();
        Between(errors, $"{Root}:MaxDevices", options.MaxDevices, 1, 10_000_000);
        Between(errors, $"{Root}:MaxQueuedEvents", options.MaxQueuedEvents, 1024, 1_048_576);
        if (options.Path is { } path)
        {
            if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || path.EndsWith('/') || path.EndsWith('\\'))
            {
                errors.Add($"{Root}:Path must be a file path (was '{path}').");
            }
            else if (KestrelTcpOptionsValidator.CheckDataPath(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!) is { } folderError)
            {
                errors.Add($"{Root}:Path: {folderError}");
            }
        }

        var pending = options.Pending ?? new PendingOptions();
        Between(errors, $"{Root}:Pending:MaxPerDevice", pending.MaxPerDevice, 1, 10_000);
        Between(errors, $"{Root}:Pending:MaxBytesPerDevice", pending.MaxBytesPerDevice, 1, 16 * 1024 * 1024);
        Between(errors, $"{Root}:Pending:MaxTotalBytes", pending.MaxTotalBytes, 1024, 1024L * 1024 * 1024);
        if (pending.Expiry < TimeSpan.FromSeconds(1) || pending.Expiry > TimeSpan.FromDays(30))
        {
            errors.Add($"{Root}:Pending:Expiry must be between {TimeSpan.FromSeconds(1)} and {TimeSpan.FromDays(30)} (was {pending.Expiry}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Between(List<string> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }
}
