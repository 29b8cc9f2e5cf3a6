using KestrelTcp.Cli.Arguments;
using KestrelTcp.Cli.Bench;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Commands;

/// <summary><c>ktcp bench</c>: a framed load generator for an echo listener.</summary>
internal static class BenchCommand
{
    public static readonly CommandSpec Spec = CommandSpec.Create(
        "bench",
        ["HOST:PORT"],
        ["--json", "--no-progress"],
        ["--connections", "--depth", "--size", "--duration", "--warmup"]);

    public const string Help = """
        Usage: ktcp bench HOST:PORT [options]

        Load-tests a listener in Echo mode. Each connection keeps --depth frames in flight: every reply
        is timed against its frame's send time and answered with a new frame. Reports replies per second,
        MB/s of payload received, and round-trip latency percentiles (p50, p99, p99.9, from an
        HdrHistogram). A progress line goes to standard error every second; the report to standard output.

        Options:
          --connections N    concurrent connections (default: 10)
          --depth D          frames in flight per connection (default: 1: request/response)
          --size S           payload bytes per frame, like 64, 16k (default: 64; fixed:N framing: N)
          --duration T       measured time: seconds, or with a unit: 500ms, 10s, 1m (default: 10)
          --warmup T         load before measuring starts, not counted (default: 1)
          --framing SPEC     how frames are delimited (default: lp4); see 'ktcp --help'
          --max-frame BYTES  largest frame accepted or sent (default: 64k)
          --json             print the report as one JSON object
          --no-progress      no progress line
          --tls              use TLS; --insecure accepts any certificate; --tls-host NAME sets the name checked
          --cert PATH        with --tls: client certificate (PEM or PFX; --key PATH, --cert-password P)
          --timeout MS       connect timeout per connection, TLS handshake included (default: 10000)

        JSON fields: target, framing, connections, depth, size, warmupSeconds, durationSeconds, frames,
        framesPerSecond, megabytesPerSecond (10^6 bytes), latencyMs {p50, p90, p99, p999, max, mean,
        samples}, disconnects, interrupted.

        Exit codes: 0 replies were measured; 1 no replies (not an echo listener?); 2 bad arguments;
        3 a connection could not be made; 130 interrupted (the partial report is still printed).
        """;

    public static async Task<int> RunAsync(ParsedArguments args, CliConsole console, CancellationToken cancellationToken)
    {
        var connection = ConnectionSettings.From(args, "lp4", TimeSpan.FromSeconds(10));
        var framing = connection.Framing;
        var defaultSize = framing.Kind == FramingKind.Fixed ? framing.FrameBytes : 64;
        var settings = new BenchSettings(
            connection,
            args.Int("--connections", 10, 1, 100_000),
            args.Int("--depth", 1, 1, 100_000),
            args.Bytes("--size", defaultSize, 1, FramingOptions.MaxFrameBytesLimit),
            args.Duration("--duration", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
            args.Duration("--warmup", TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromHours(1)),
            args.Has("--json"),
            !args.Has("--no-progress"));

        var payload = BenchRunner.CreatePayload(framing, settings.Size);
        if (!framing.CreateCodec().TryValidatePayload(payload, out var error))
        {
            throw new UsageException($"--size {settings.Size} does not fit {FramingSpec.Describe(framing)} framing: {error}");
        }

        return await new BenchRunner(settings, console).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
