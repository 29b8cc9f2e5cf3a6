using System.Reflection;
using KestrelTcp.Cli.Arguments;
using KestrelTcp.Cli.Commands;

namespace KestrelTcp.Cli;

/// <summary>
/// <c>ktcp</c>'s entry point without the process around it: parses the command line, runs the command and
/// returns the exit code. Tests call it in-process with their own streams.
/// </summary>
internal static class CliApp
{
    public const string Help = """
        ktcp: talk to, script and load-test framed TCP servers (KestrelTcp, or any framed TCP peer).

        Usage:
          ktcp connect HOST:PORT [options]         interactive: stdin lines become frames, replies are printed
          ktcp send HOST:PORT MESSAGE [options]    send one frame; --expect TEXT sets the exit code
          ktcp bench HOST:PORT [options]           load generator: frames/s, MB/s, latency percentiles
          ktcp replay FILE HOST:PORT [options]     send a recording's device frames with their timing
          ktcp help [COMMAND]                      this help, or a command's (also: ktcp COMMAND --help)
          ktcp --version

        Framing (--framing SPEC), the same codecs as the server's listeners:
          line             LF-terminated lines, a trailing CR stripped (default for connect and send)
          raw              no framing: whatever arrives is one frame
          lp1 lp2 lp4 lp8  big-endian length prefix of 1, 2, 4 or 8 bytes (default for bench: lp4);
                           add 'le' for little-endian, as in lp4le
          delim:HEX        frames end with the delimiter bytes, as in delim:0D0A or delim:7E
          fixed:N          every frame is exactly N bytes

        Common options:
          --framing SPEC     see above
          --max-frame BYTES  largest frame accepted or sent (default: 8k for line, 64k otherwise)
          --tls              connect with TLS
          --insecure         with --tls: accept any server certificate (self-signed; development only)
          --tls-host NAME    with --tls: the name the certificate must match (default: HOST)
          --cert PATH        with --tls: a client certificate for servers that require one (mutual TLS):
                             PEM (its key in the same file or in --key) or PFX/PKCS#12
          --key PATH         with --cert: the PEM private key, when it is not in the certificate file
          --cert-password P  with --cert: the password of the PFX file or of an encrypted PEM key
          --timeout MS       connect timeout (send: the overall limit)
          -h, --help         help

        Exit codes:
          0    success
          1    the expected reply did not come in time, the connection broke, or bench measured nothing
          2    bad arguments
          3    the connection failed: refused, host not found, connect timeout, TLS handshake failure
          130  interrupted with Ctrl+C (send, bench)
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken = default)
    {
        console = console.Synchronized();
        if (args.Count == 0)
        {
            console.Error.WriteLine(Help);
            return ExitCodes.Usage;
        }

        var command = args[0];
        var rest = args.Skip(1).ToArray();
        try
        {
            switch (command)
            {
                case "-h" or "--help":
                    console.Out.WriteLine(Help);
                    return ExitCodes.Ok;
                case "--version":
                    console.Out.WriteLine(Version());
                    return ExitCodes.Ok;
                case "help":
                    return ShowHelp(rest, console);
                case "connect":
                    return await RunCommandAsync(ConnectCommand.Spec, ConnectCommand.Help, ConnectCommand.RunAsync, rest, console, cancellationToken).ConfigureAwait(false);
                case "send":
                    return await RunCommandAsync(SendCommand.Spec, SendCommand.Help, SendCommand.RunAsync, rest, console, cancellationToken).ConfigureAwait(false);
                case "bench":
                    return await RunCommandAsync(BenchCommand.Spec, BenchCommand.Help, BenchCommand.RunAsync, rest, console, cancellationToken).ConfigureAwait(false);
                case "replay":
                    return await RunCommandAsync(ReplayCommand.Spec, ReplayCommand.Help, ReplayCommand.RunAsync, rest, console, cancellationToken).ConfigureAwait(false);
                default:
                    throw new UsageException($"Unknown command '{command}'. Commands: connect, send, bench, replay, help.");
            }
        }
        catch (UsageException ex)
        {
            console.Error.WriteLine($"ktcp: {ex.Message}");
            console.Error.WriteLine("Run 'ktcp --help' for usage.");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or TimeoutException)
        {
            // Network trouble the command did not expect at that point: say what happened, without a stack trace.
            console.Error.WriteLine($"ktcp: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    private static async Task<int> RunCommandAsync(
        CommandSpec spec,
        string help,
        Func<ParsedArguments, CliConsole, CancellationToken, Task<int>> run,
        string[] args,
        CliConsole console,
        CancellationToken cancellationToken)
    {
        var parsed = ArgumentParser.Parse(args, spec);
        if (parsed.Has("--help"))
        {
            console.Out.WriteLine(help);
            return ExitCodes.Ok;
        }

        return await run(parsed, console, cancellationToken).ConfigureAwait(false);
    }

    private static int ShowHelp(string[] args, CliConsole console)
    {
        var text = args.FirstOrDefault() switch
        {
            null => Help,
            "connect" => ConnectCommand.Help,
            "send" => SendCommand.Help,
            "bench" => BenchCommand.Help,
            "replay" => ReplayCommand.Help,
            var other => throw new UsageException($"No help for '{other}'. Commands: connect, send, bench, replay."),
        };
        console.Out.WriteLine(text);
        return ExitCodes.Ok;
    }

    private static string Version() =>
        "ktcp " + (typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
}
