using System.Diagnostics;
using System.Globalization;
using KestrelTcp.Cli.Arguments;
using KestrelTcp.Client;
using KestrelTcp.Protocols;

namespace KestrelTcp.Cli.Commands;

/// <summary><c>ktcp replay</c>: plays a KestrelTcp recording's device frames into any server, at the recorded pace or faster.</summary>
internal static class ReplayCommand
{
    /// <summary>Largest recording file read (the server's own bound per recording is 16 MiB by default).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Largest <c>--speed</c>.</summary>
    public const double MaxSpeed = 1000;

    public static readonly CommandSpec Spec = CommandSpec.Create("replay", ["FILE", "HOST:PORT"], ["--hex"], ["--speed", "--direction"]);

    public const string Help = """
        Usage: ktcp replay FILE HOST:PORT [options]

        Reads FILE, a KestrelTcp recording (ktcp-recording JSON Lines, from GET /api/recordings/{name}),
        connects to HOST:PORT and sends the recording's frames in order with their recorded timing, framed
        as the recorded listener framed them: by default the device's frames ("in"), so a server on a bench
        sees what the device sent. Prints how many frames it sent, then closes.

        Options:
          --speed N|max      pace: 1 the original (default), 2 twice as fast, max as fast as possible
          --direction in|out in (default): the device's frames; out: the frames the server sent the device
          --framing SPEC     frame with SPEC instead of the recording's framing; see 'ktcp --help'
          --timeout MS       connect timeout (default: 5000)
          --tls              use TLS; --insecure accepts any certificate; --tls-host NAME sets the name checked
          --cert PATH        with --tls: client certificate (PEM or PFX; --key PATH, --cert-password P)

        Exit codes: 0 every frame sent; 1 the connection broke; 2 bad arguments or a file that is not a
        recording; 3 could not connect.
        """;

    public static async Task<int> RunAsync(ParsedArguments args, CliConsole console, CancellationToken cancellationToken)
    {
        var (framing, frames) = ReadFile(args.Positionals[0]);
        var speed = ParseSpeed(args.Value("--speed"));
        var inbound = args.Value("--direction") switch
        {
            null or "in" => true,
            "out" => false,
            var other => throw new UsageException($"--direction must be in or out (was '{other}')."),
        };
        var settings = ConnectionSettings.From(args, "line", TimeSpan.FromSeconds(5), targetPosition: 1);
        var options = settings.CreateClientOptions();
        if (args.Value("--framing") is null)
        {
            options.Framing = framing;
        }

        var codec = options.Framing.CreateCodec();
        var selected = frames.Where(f => f.Inbound == inbound).ToList();
        foreach (var frame in selected)
        {
            if (!codec.TryValidatePayload(frame.Payload, out var invalid))
            {
                throw new UsageException($"A recorded frame cannot be sent with {FramingSpec.Describe(options.Framing)} framing: {invalid}");
            }
        }

        await using var client = new KestrelTcpClient(options);
        try
        {
            await client.ConnectAsync(settings.Target.Host, settings.Target.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (settings.DescribeConnectFailure(ex) is { } message)
        {
            console.Error.WriteLine($"ktcp: {message}");
            return ExitCodes.ConnectFailed;
        }

        var clock = Stopwatch.StartNew();
        var first = selected.Count > 0 ? selected[0].Milliseconds : 0;
        foreach (var frame in selected)
        {
            if (speed > 0)
            {
                var due = TimeSpan.FromMilliseconds((frame.Milliseconds - first) / speed) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await client.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                }
            }

            await client.SendAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
        }

        await client.FlushAsync(cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replayed {selected.Count} {(inbound ? "in" : "out")} frames to {settings.Target} in {clock.Elapsed.TotalMilliseconds:0} ms"));
        return ExitCodes.Ok;
    }

    private static double ParseSpeed(string? text)
    {
        if (text is null)
        {
            return 1;
        }

        if (text == "max")
        {
            return 0;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && speed <= MaxSpeed
            ? speed
            : throw new UsageException($"--speed must be a number above 0 and at most {MaxSpeed}, or max (was '{text}').");
    }

    private static (FramingOptions Framing, List<RecordedFrame> Frames) ReadFile(string path)
    {
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                throw new UsageException($"{path} is larger than {MaxFileBytes} bytes.");
            }

            using var reader = new StreamReader(path);
            return RecordingFile.Read(reader);
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException)
        {
            throw new UsageException($"{path}: {ex.Message}");
        }
    }
}
