using KestrelTcp.Server.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Schedules;

/// <summary>Validates <see cref="SchedulesOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class SchedulesOptionsValidator : IValidateOptions<SchedulesOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulesOptions options)
    {
        const string Root = SchedulesOptions.SectionName;
        var errors = new List<string>();
        if (options.MaxSchedules is < 1 or > 10_000)
        {
            errors.Add($"{Root}:MaxSchedules must be between 1 and 10000 (was {options.MaxSchedules}).");
        }

        if (options.MaxPayloadBytes is < 1 or > 1024 * 1024)
        {
            errors.Add($"{Root}:MaxPayloadBytes must be between 1 and 1048576 (was {options.MaxPayloadBytes}).");
        }

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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
