using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Dashboard;

/// <summary>Validates <see cref="DashboardOptions"/> at start; each failure names its configuration key.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        const string Root = DashboardOptions.SectionName;
        var errors = new List<string>();
        if (options.FlushInterval < TimeSpan.FromMilliseconds(10) || options.FlushInterval > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{Root}:FlushInterval must be between 00:00:00.010 and 00:00:10 (was {options.FlushInterval}).");
        }

        Range(errors, $"{Root}:TrafficBufferFrames", options.TrafficBufferFrames, 1, 100_000);
        Range(errors, $"{Root}:TrafficPreviewBytes", options.TrafficPreviewBytes, 16, 65_536);
        Range(errors, $"{Root}:TrafficBufferBytes", options.TrafficBufferBytes, 1024, 64 * 1024 * 1024);
        Range(errors, $"{Root}:MaxWatchedSessions", options.MaxWatchedSessions, 1, 1000);
        Range(errors, $"{Root}:TotalsHistorySeconds", options.TotalsHistorySeconds, 10, 86_400);
        Range(errors, $"{Root}:RecentlyClosedShown", options.RecentlyClosedShown, 0, 10_000);
        Range(errors, $"{Root}:BacklogClosedLimit", options.BacklogClosedLimit, 10, 1_000_000);
        Range(errors, $"{Root}:MaxRemoteChanges", options.MaxRemoteChanges, 10, 10_000_000);
        if (options.MaxCommandBytes is < 32 * 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"{Root}:MaxCommandBytes must be between 32768 and 67108864 (was {options.MaxCommandBytes}).");
        }

        if (options.MaxViewerBacklogBytes is < 64 * 1024 or > 256L * 1024 * 1024)
        {
            errors.Add($"{Root}:MaxViewerBacklogBytes must be between 65536 and 268435456 (was {options.MaxViewerBacklogBytes}).");
        }

        else if (options.MaxViewerBacklogBytes < MaxFrameCost(options.TrafficPreviewBytes))
        {
            // Otherwise a frame shown in full could never be sent to anyone.
            errors.Add($"{Root}:MaxViewerBacklogBytes must hold at least one frame of {Root}:TrafficPreviewBytes, {MaxFrameCost(options.TrafficPreviewBytes)} bytes (was {options.MaxViewerBacklogBytes}).");
        }

        if (options.ViewerStuckTimeout < TimeSpan.FromSeconds(1) || options.ViewerStuckTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{Root}:ViewerStuckTimeout must be between 00:00:01 and 01:00:00 (was {options.ViewerStuckTimeout}).");
        }

        Range(errors, $"{Root}:MaxConnectionsPerUser", options.MaxConnectionsPerUser, 1, 10_000);
        if (options.MaxConnections is { } max)
        {
            Range(errors, $"{Root}:MaxConnections", max, 1, 100_000);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The most a frame can cost in a browser's backlog: its text (a character a byte at most)
    /// and its hex (two), two bytes a character, and the overhead.</summary>
    private static long MaxFrameCost(int previewBytes) => (6L * previewBytes) + ViewerTraffic.FrameOverheadBytes;

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }
}
