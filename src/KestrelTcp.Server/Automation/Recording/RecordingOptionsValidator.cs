using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Automation.Recording;

/// <summary>Checks <c>KestrelTcp:Recording</c> at start, naming the setting.</summary>
internal sealed class RecordingOptionsValidator : IValidateOptions<RecordingOptions>
{
    public ValidateOptionsResult Validate(string? name, RecordingOptions options)
    {
        var s = RecordingOptions.SectionName;
        var errors = new List<string>();
        if (options.MaxBytesPerRecording is < 4096 or > 1L << 30)
        {
            errors.Add($"{s}:MaxBytesPerRecording must be between 4096 and 1073741824 (was {options.MaxBytesPerRecording}).");
        }

        if (options.MaxTotalBytes < options.MaxBytesPerRecording)
        {
            errors.Add($"{s}:MaxTotalBytes must be at least MaxBytesPerRecording ({options.MaxBytesPerRecording}) (was {options.MaxTotalBytes}).");
        }

        if (options.MaxRecordings is < 1 or > 10_000)
        {
            errors.Add($"{s}:MaxRecordings must be between 1 and 10000 (was {options.MaxRecordings}).");
        }

        if (options.MaxActive is < 1 or > 1000)
        {
            errors.Add($"{s}:MaxActive must be between 1 and 1000 (was {options.MaxActive}).");
        }

        if (options.QueueFrames is < 16 or > 1_000_000)
        {
            errors.Add($"{s}:QueueFrames must be between 16 and 1000000 (was {options.QueueFrames}).");
        }

        if (options.MaxFrameBytes is < 16 or > 16 * 1024 * 1024)
        {
            errors.Add($"{s}:MaxFrameBytes must be between 16 and 16777216 (was {options.MaxFrameBytes}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
