using System.Globalization;
using KestrelTcp.Cli.Arguments;
using KestrelTcp.Client;

namespace KestrelTcp.Cli.Commands;

/// <summary><c>ktcp connect</c>: an interactive session. Each stdin line is a frame; received frames are printed with timestamps.</summary>
internal static class ConnectCommand
{
    public static readonly CommandSpec Spec = CommandSpec.Create("connect", ["HOST:PORT"], ["--hex"], ["--wait"]);

    public const string Help = """
        Usage: ktcp connect HOST:PORT [options]

        Opens a connection and keeps it open: every line typed on standard input is sent as one frame,
        and every frame received is printed to standard output with a timestamp ("12:34:56.789 < text").
        End input (Ctrl+D, or Ctrl+Z then Enter on Windows) or press Ctrl+C to close the connection cleanly.

        Options:
          --framing SPEC     how frames are delimited (default: line); see 'ktcp --help'
          --max-frame BYTES  largest frame accepted or sent (default: 8k for line, 64k otherwise)
          --hex              type and show payloads as hex ("48 65 6C 6C 6F") instead of UTF-8 text
          --tls              use TLS; --insecure accepts any certificate; --tls-host NAME sets the name checked
          --cert PATH        with --tls: client certificate (PEM or PFX; --key PATH, --cert-password P)
          --timeout MS       connect timeout, TLS handshake included (default: 10000)
          --wait MS          after input ends, how long to wait for the server to close (default: 2000)

        Exit codes: 0 when input ended, Ctrl+C was pressed or the server closed the connection;
        1 when the connection broke (reset, framing error); 2 bad arguments; 3 could not connect.
        """;

    public static async Task<int> RunAsync(ParsedArguments args, CliConsole console, CancellationToken cancellationToken)
    {
        var settings = ConnectionSettings.From(args, "line", TimeSpan.FromSeconds(10));
        var wait = args.Milliseconds("--wait", TimeSpan.FromSeconds(2), TimeSpan.Zero, TimeSpan.FromHours(1));
        var options = settings.CreateClientOptions();
        options.CloseTimeout = wait;
        var ended = new TaskCompletionSource<DisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new KestrelTcpClient(options);
        client.Disconnected += (_, e) => ended.TrySetResult(e);
        client.FrameReceived += (_, e) => console.Out.WriteLine($"{DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} < {PayloadFormat.Format(e.Frame, settings.Hex)}");

        try
        {
            await client.ConnectAsync(settings.Target.Host, settings.Target.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (settings.DescribeConnectFailure(ex) is { } message)
        {
            console.Error.WriteLine($"ktcp: {message}");
            return ExitCodes.ConnectFailed;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Ok;
        }

        console.Error.WriteLine($"Connected to {settings.Target} ({FramingSpec.Describe(settings.Framing)}{(client.IsEncrypted ? ", TLS" : string.Empty)}). Each line you type is sent as a frame; end input or press Ctrl+C to quit.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var typing = Task.Run(() => SendLinesAsync(client, settings.Hex, console, stop.Token), CancellationToken.None);
        var interrupted = Task.Delay(Timeout.Infinite, cancellationToken);
        var first = await Task.WhenAny(typing, ended.Task, interrupted).ConfigureAwait(false);
        if (first == ended.Task)
        {
            // The server closed first; stop reading input (a terminal read may stay blocked until the process exits).
            await stop.CancelAsync().ConfigureAwait(false);
            return Report(await ended.Task.ConfigureAwait(false), console);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        if (first == typing && typing.IsCompletedSuccessfully && typing.Result is { } failure)
        {
            console.Error.WriteLine($"ktcp: {failure}");
        }

        // Input ended or Ctrl+C: close gracefully, printing whatever still arrives until the server closes.
        await client.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        return Report(await ended.Task.ConfigureAwait(false), console);
    }

    private static int Report(DisconnectedEventArgs closed, CliConsole console)
    {
        console.Error.WriteLine($"Disconnected: {Describe(closed)}.");
        return closed.Reason is DisconnectReason.RemoteClosed or DisconnectReason.LocalClose ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>Sends each input line as a frame until input ends; returns why it stopped early, if it did.</summary>
    private static async Task<string?> SendLinesAsync(KestrelTcpClient client, bool hex, CliConsole console, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = await console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return null;
            }

            byte[] payload;
            try
            {
                payload = PayloadFormat.Encode(line, hex);
            }
            catch (FormatException ex)
            {
                console.Error.WriteLine($"ktcp: not sent: {ex.Message}");
                continue;
            }

            try
            {
                await client.SendAsync(payload, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                console.Error.WriteLine($"ktcp: not sent: {ex.Message}");
            }
            catch (IOException ex)
            {
                return ex.Message;
            }
        }

        return null;
    }

    private static string Describe(DisconnectedEventArgs args) => args.Reason switch
    {
        DisconnectReason.LocalClose => "closed by ktcp",
        DisconnectReason.RemoteClosed => "the server closed the connection",
        _ => args.ToString(),
    };
}
