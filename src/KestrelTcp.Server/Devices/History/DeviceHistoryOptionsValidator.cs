using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Devices.History;

/// <summary>Validates <see cref="DeviceHistoryOptions"/> at start; each failure names the full key.</summary>
internal sealed class DeviceHistoryOptionsValidator : IValidateOptions<DeviceHistoryOptions>
{
    internal const int MaxFrameBytesLimit = 1024 * 1024;
    internal const int MaxQueuedFramesLimit = 16 * 1024 * 1024;
    internal const long MinQueuedBytes = 4096;
    internal const long MaxQueuedBytesLimit = 4L << 30;
    internal const long MinBytes = 64 * 1024;

    public ValidateOptionsResult Validate(string? name, DeviceHistoryOptions options)
    {
        const string Root = DeviceHistoryOptions.SectionName;
        var errors = new List<string>();
        if (options.MaxFrameBytes is < 1 or > MaxFrameBytesLimit)
        {
            errors.Add($"{Root}:MaxFrameBytes must be between 1 and {MaxFrameBytesLimit} (was {options.MaxFrameBytes}).");
        }

        if (options.MaxQueuedFrames is < 1 or > MaxQueuedFramesLimit)
        {
            errors.Add($"{Root}:MaxQueuedFrames must be between 1 and {MaxQueuedFramesLimit} (was {options.MaxQueuedFrames}).");
        }

        if (options.MaxQueuedBytes is < MinQueuedBytes or > MaxQueuedBytesLimit)
        {
            errors.Add($"{Root}:MaxQueuedBytes must be between {MinQueuedBytes} and {MaxQueuedBytesLimit} (was {options.MaxQueuedBytes}).");
        }

        if (options.Retention < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Root}:Retention must be at least 00:00:01 (was {options.Retention}).");
        }

        if (options.MaxBytes < MinBytes)
        {
            errors.Add($"{Root}:MaxBytes must be at least {MinBytes} (was {options.MaxBytes}).");
        }

        if (options.RetentionInterval < TimeSpan.FromMilliseconds(100) || options.RetentionInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{Root}:RetentionInterval must be between 00:00:00.100 and 01:00:00 (was {options.RetentionInterval}).");
        }

        if (options.WriterNice is < 0 or > 19)
        {
            errors.Add($"{Root}:WriterNice must be between 0 and 19 (was {options.WriterNice}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
