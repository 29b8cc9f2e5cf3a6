using System.Globalization;
using KestrelTcp.Cli.Arguments;
using KestrelTcp.Client;

namespace KestrelTcp.Cli.Commands;

/// <summary><c>ktcp send</c>: one frame, for scripts; with <c>--expect</c> the exit code says whether the expected reply came.</summary>
internal static class SendCommand
{
    public static readonly CommandSpec Spec = CommandSpec.Create("send", ["HOST:PORT", "MESSAGE"], ["--hex"], ["--expect", "--wait"]);

    public const string Help = """
        Usage: ktcp send HOST:PORT MESSAGE [options]

        Connects, sends MESSAGE as one frame and prints the frames that come back, one per line.
        With --expect TEXT it waits for a received frame that contains TEXT and exits 0 when one does,
        1 when none does within --timeout or the server closes first. Without --expect it closes after
        sending, printing replies until the server closes its side or --wait runs out.

        Options:
          --expect TEXT      wait for a frame containing TEXT (hex bytes with --hex)
          --timeout MS       overall limit: connect, send and the wait for --expect (default: 5000)
          --wait MS          without --expect: how long to wait for replies after sending (default: 1000)
          --framing SPEC     how frames are delimited (default: line); see 'ktcp --help'
          --max-frame BYTES  largest frame accepted or sent (default: 8k for line, 64k otherwise)
          --hex              MESSAGE and TEXT are hex ("48 65 6C 6C 6F"); replies are printed as hex
          --tls              use TLS; --insecure accepts any certificate; --tls-host NAME sets the name checked
          --cert PATH        with --tls: client certificate (PEM or PFX; --key PATH, --cert-password P)

        Put options before MESSAGE, or MESSAGE after --, when it starts with a dash.

        Exit codes: 0 sent (and, with --expect, the expected reply came); 1 no expected reply in time or the
        connection broke; 2 bad arguments or a MESSAGE the framing cannot carry; 3 could not connect.
        """;

    public static async Task<int> RunAsync(ParsedArguments args, CliConsole console, CancellationToken cancellationToken)
    {
        var settings = ConnectionSettings.From(args, "line", TimeSpan.FromSeconds(5));
        var wait = args.Milliseconds("--wait", TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromHours(1));
        var payload = Encode(args.Positionals[1], settings.Hex, "MESSAGE");
        var expectText = args.Value("--expect");
        var expected = expectText is null ? null : Encode(expectText, settings.Hex, "--expect");
        var options = settings.CreateClientOptions();
        if (!options.Framing.CreateCodec().TryValidatePayload(payload, out var invalid))
        {
            throw new UsageException($"MESSAGE cannot be sent with {FramingSpec.Describe(options.Framing)} framing: {invalid}");
        }

        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(settings.ConnectTimeout);
        options.CloseTimeout = wait;
        await using var client = new KestrelTcpClient(options);
        try
        {
            await client.ConnectAsync(settings.Target.Host, settings.Target.Port, overall.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (settings.DescribeConnectFailure(ex) is { } message)
        {
            console.Error.WriteLine($"ktcp: {message}");
            return ExitCodes.ConnectFailed;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine($"ktcp: {settings.DescribeConnectFailure(new TimeoutException())}");
            return ExitCodes.ConnectFailed;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }

        try
        {
            await client.SendAsync(payload, overall.Token).ConfigureAwait(false);
            if (expected is null)
            {
                await client.FlushAsync(overall.Token).ConfigureAwait(false);
                await client.DisconnectAsync(overall.Token).ConfigureAwait(false);
                await PrintRepliesAsync(client, settings.Hex, console, expected: null, overall.Token).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            if (await PrintRepliesAsync(client, settings.Hex, console, expected, overall.Token).ConfigureAwait(false))
            {
                return ExitCodes.Ok;
            }

            console.Error.WriteLine($"ktcp: the connection closed before a frame containing '{expectText}' arrived.");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine(expected is null
                ? string.Create(CultureInfo.InvariantCulture, $"ktcp: timed out after {settings.ConnectTimeout.TotalMilliseconds:0} ms.")
                : string.Create(CultureInfo.InvariantCulture, $"ktcp: no frame containing '{expectText}' arrived within {settings.ConnectTimeout.TotalMilliseconds:0} ms."));
            return ExitCodes.Failed;
        }
        catch (IOException ex)
        {
            console.Error.WriteLine($"ktcp: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>Prints received frames until one contains <paramref name="expected"/> (true) or the connection ends (false).</summary>
    private static async Task<bool> PrintRepliesAsync(KestrelTcpClient client, bool hex, CliConsole console, byte[]? expected, CancellationToken cancellationToken)
    {
        await foreach (var frame in client.ReadFramesAsync(cancellationToken).ConfigureAwait(false))
        {
            console.Out.WriteLine(PayloadFormat.Format(frame, hex));
            if (expected is not null && PayloadFormat.Contains(frame, expected))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] Encode(string text, bool hex, string what)
    {
        try
        {
            return PayloadFormat.Encode(text, hex);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"{what}: {ex.Message}");
        }
    }
}
