using System.Globalization;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// The once-a-second progress line on standard error: redrawn in place on a terminal, one line per update
/// when redirected (so logs stay readable). Standard output is left to the report.
/// </summary>
internal sealed class ProgressLine
{
    private readonly CliConsole _console;
    private readonly bool _enabled;
    private bool _drawn;

    public ProgressLine(CliConsole console, bool enabled)
    {
        _console = console;
        _enabled = enabled;
    }

    public void Update(TimeSpan elapsed, TimeSpan total, bool measuring, double framesPerSecond, double megabytesPerSecond, double? p99Ms)
    {
        if (!_enabled)
        {
            return;
        }

        var phase = measuring ? "measuring" : "warming up";
        var latency = p99Ms is { } p99 ? string.Create(CultureInfo.InvariantCulture, $"  p99 {p99:0.000} ms") : string.Empty;
        var line = string.Create(CultureInfo.InvariantCulture, $"[{elapsed.TotalSeconds,5:0.0}/{total.TotalSeconds:0.#} s] {phase,-10} {framesPerSecond,12:N0} frames/s {megabytesPerSecond,9:N1} MB/s{latency}");
        if (_console.IsInteractive)
        {
            _console.Error.Write("\r" + line.PadRight(96));
            _drawn = true;
        }
        else
        {
            _console.Error.WriteLine(line);
        }
    }

    public void Finish()
    {
        if (_drawn)
        {
            _console.Error.WriteLine();
        }
    }
}
