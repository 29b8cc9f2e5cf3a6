using System.Diagnostics;
using System.Globalization;
using KestrelTcp.Cli.Arguments;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Bench;

/// <summary>
/// Runs a bench: connects every connection, fills each pipeline, lets the load run through the warmup,
/// measures for the duration with a progress line every second, then stops and reports.
/// </summary>
internal sealed class BenchRunner
{
    /// <summary>Connections opened at once while connecting, so a large run does not flood the accept queue.</summary>
    private const int ConnectParallelism = 64;

    private readonly BenchSettings _settings;
    private readonly CliConsole _console;
    private readonly LatencyRecorder _latency = new();
    private readonly List<BenchConnection> _connections = [];
    private readonly List<Task> _loops = [];
    private volatile bool _sending = true;
    private int _disconnects;
    private string? _lastDisconnect;

    public BenchRunner(BenchSettings settings, CliConsole console)
    {
        _settings = settings;
        _console = console;
    }

    /// <summary>A payload of <paramref name="size"/> bytes that the framing can carry: printable, and free of
    /// the delimiter's bytes (line feed for line framing).</summary>
    public static byte[] CreatePayload(FramingOptions framing, int size)
    {
        var avoid = framing.Kind switch
        {
            FramingKind.Line => "\n"u8.ToArray(),
            FramingKind.Delimiter => PayloadFormat.Encode(framing.Delimiter!, hex: true),
            _ => [],
        };
        var fill = (byte)'x';
        for (var candidate = (byte)'a'; Array.IndexOf(avoid, fill) >= 0; candidate++)
        {
            fill = candidate;
        }

        var payload = new byte[size];
        payload.AsSpan().Fill(fill);
        return payload;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var codec = _settings.Connection.Framing.CreateCodec();
        var frames = BenchFrames.Create(codec, CreatePayload(_settings.Connection.Framing, _settings.Size), _settings.Depth);
        try
        {
            if (await ConnectAllAsync(codec, frames, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                _console.Error.WriteLine($"ktcp: {failure}");
                return ExitCodes.ConnectFailed;
            }

            Func<bool> isSending = () => _sending;
            foreach (var connection in _connections)
            {
                _loops.Add(RunLoopAsync(connection, isSending));
            }

            var report = await MeasureAsync(cancellationToken).ConfigureAwait(false);
            _console.Out.Write(_settings.Json ? report.ToJson() + Environment.NewLine : report.ToText());
            if (report.Frames == 0)
            {
                _console.Error.WriteLine("ktcp: no replies were received. Is the listener in Echo mode, with the same framing?");
                return ExitCodes.Failed;
            }

            return report.Interrupted ? ExitCodes.Interrupted : ExitCodes.Ok;
        }
        finally
        {
            // In-flight replies are of no interest once the run is over: close at once.
            _sending = false;
            foreach (var connection in _connections)
            {
                connection.Stop();
            }

            await Task.WhenAll(_loops).ConfigureAwait(false);
            _latency.Dispose();
        }
    }

    private async Task RunLoopAsync(BenchConnection connection, Func<bool> isSending)
    {
        if (await connection.RunAsync(isSending).ConfigureAwait(false) is { } lost)
        {
            Interlocked.Increment(ref _disconnects);
            Volatile.Write(ref _lastDisconnect, lost);
        }
    }

    private async Task<string?> ConnectAllAsync(FrameCodec codec, BenchFrames frames, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(ConnectParallelism);
        var connecting = new List<Task<BenchConnection>>();
        for (var i = 0; i < _settings.Connections; i++)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            connecting.Add(ConnectOneAsync(gate, cancellationToken));
        }

        try
        {
            await Task.WhenAll(connecting).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (_settings.Connection.DescribeConnectFailure(ex) is { } message)
        {
            var failed = connecting.Count(t => t.IsFaulted);
            return string.Create(CultureInfo.InvariantCulture, $"{failed} of {_settings.Connections} connections failed; {message}");
        }
        finally
        {
            // Whatever connected is closed with the others, also when the run does not start.
            foreach (var task in connecting)
            {
                if (task.IsCompletedSuccessfully)
                {
                    _connections.Add(task.Result);
                }
            }
        }

        async Task<BenchConnection> ConnectOneAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
        {
            try
            {
                return await BenchConnection.ConnectAsync(_settings, codec, frames, _latency, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private async Task<BenchReport> MeasureAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var progress = new ProgressLine(_console, _settings.Progress);
        var warmupEnds = _settings.Warmup;
        var measureEnds = _settings.Warmup + _settings.Duration;
        var nextProgress = TimeSpan.FromSeconds(1);
        var measuring = false;
        var measureStart = TimeSpan.Zero;
        var last = (Time: TimeSpan.Zero, Replies: 0L);
        var interrupted = false;

        while (true)
        {
            var now = clock.Elapsed;

            // The progress line covers the second that just ended, so it is drawn before a phase change.
            if (now >= nextProgress)
            {
                var replies = TotalReplies();
                var rate = (replies - last.Replies) / Math.Max(1e-9, (now - last.Time).TotalSeconds);
                last = (now, replies);
                var interval = measuring ? LatencySummary.From(_latency.TakeInterval()) : null;
                progress.Update(now, measureEnds, measuring, rate, rate * _settings.Size / 1e6, interval?.P99);
                while (nextProgress <= now)
                {
                    nextProgress += TimeSpan.FromSeconds(1);
                }
            }

            if (!measuring && now >= warmupEnds)
            {
                _latency.StartMeasuring();
                measureStart = clock.Elapsed;
                measureEnds = measureStart + _settings.Duration;
                measuring = true;
            }

            if (now >= measureEnds || interrupted)
            {
                break;
            }

            // Sleep until the next progress line or phase boundary, whichever comes first.
            var wakeAt = TimeSpan.FromTicks(Math.Min(nextProgress.Ticks, (measuring ? measureEnds : warmupEnds).Ticks));
            try
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (wakeAt - clock.Elapsed).Ticks)), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                interrupted = true;
            }
        }

        // Every reply in the measured window recorded exactly one latency, so the histogram's count is the
        // frame count, and the window is the time the histogram was recording.
        _latency.StopMeasuring();
        var measured = clock.Elapsed - measureStart;
        _sending = false;
        _latency.TakeInterval();
        var total = _latency.Total;
        progress.Finish();

        return new BenchReport(
            _settings.Connection.Target.ToString(),
            FramingSpec.Describe(_settings.Connection.Framing),
            _settings.Connections,
            _settings.Depth,
            _settings.Size,
            _settings.Warmup,
            measuring ? measured : TimeSpan.Zero,
            measuring ? total.TotalCount : 0,
            Volatile.Read(ref _disconnects),
            Volatile.Read(ref _lastDisconnect),
            interrupted,
            LatencySummary.From(total));
    }

    private long TotalReplies()
    {
        long total = 0;
        foreach (var connection in _connections)
        {
            total += connection.Replies;
        }

        return total;
    }
}
