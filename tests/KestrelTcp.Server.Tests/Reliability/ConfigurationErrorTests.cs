using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue 11, item 10: configuration errors ended the process with a stack trace and exit 134, and
/// <c>Framing:Kind=Bogus</c> reported "must define at least one listener". The built server, run as a
/// process with a bad setting, prints one line naming the key and the allowed values, exits with a
/// code of its own (<see cref="ServerExitCodes"/>), and prints no stack frame anywhere.
/// </summary>
public sealed class ConfigurationErrorTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("KestrelTcp__Listeners__default__Framing__Kind", "Bogus", "KestrelTcp:Listeners:default:Framing:Kind must be one of Raw, Line, Delimiter, LengthPrefixed, Fixed (was 'Bogus').")]
    [InlineData("KestrelTcp__Listeners__default__Mode", "Shout", "KestrelTcp:Listeners:default:Mode must be one of Monitor, Echo, Broker (was 'Shout').")]
    [InlineData("KestrelTcp__Listeners__default__Port", "abc", "KestrelTcp:Listeners:default:Port must be a whole number from 0 to 65535 (was 'abc').")]
    [InlineData("KestrelTcp__Listeners__default__IdleTimeout", "soon", "KestrelTcp:Listeners:default:IdleTimeout must be a duration as [d.]hh:mm:ss[.fff], for example 00:00:30")]
    [InlineData("KestrelTcp__Listeners__default__Framing__HeaderBytes", "three", "KestrelTcp:Listeners:default:Framing:HeaderBytes must be one of 1, 2, 4, 8 (was 'three').")]
    [InlineData("KestrelTcp__Listeners__default__KeepAlive", "maybe", "KestrelTcp:Listeners:default:KeepAlive must be true or false (was 'maybe').")]
    [InlineData("KestrelTcp__DrainTimeout", "soon", "KestrelTcp:DrainTimeout must be a duration")]
    [InlineData("KestrelTcp__Security__Lockout__MaxFailures", "x", "KestrelTcp:Security:Lockout:MaxFailures must be a whole number (was 'x').")]
    [InlineData("KestrelTcp__Dashboard__FlushInterval", "x", "KestrelTcp:Dashboard:FlushInterval must be a duration")]
    [InlineData("KestrelTcp__Listeners__default__Port", "70000", "KestrelTcp:Listeners:default:Port must be between 0 and 65535 (was 70000).")]
    [InlineData("ASPNETCORE_URLS", "ftp://127.0.0.1:1", "urls: 'ftp://127.0.0.1:1' must use http or https.")]
    public async Task ABadSettingStopsTheServerWithOneLineNamingTheKey(string variable, string value, string expected)
    {
        var run = await RunServerAsync(new Dictionary<string, string> { [variable] = value });

        AssertExit(ServerExitCodes.InvalidConfiguration, run);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task EveryBadValueOfTheSectionIsReportedAtOnce()
    {
        var run = await RunServerAsync(new Dictionary<string, string>
        {
            ["KestrelTcp__Listeners__default__Framing__Kind"] = "Bogus",
            ["KestrelTcp__Listeners__default__Port"] = "abc",
            ["KestrelTcp__Listeners__other__Port"] = "70000",
        });

        AssertExit(ServerExitCodes.InvalidConfiguration, run);
        Assert.Equal(3, run.ErrorLines.Count);
        Assert.Contains(run.ErrorLines, l => l.Contains("KestrelTcp:Listeners:default:Framing:Kind must be one of", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.Contains("KestrelTcp:Listeners:default:Port must be a whole number", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.Contains("KestrelTcp:Listeners:other:Port must be between 0 and 65535", StringComparison.Ordinal));
        Assert.DoesNotContain(run.ErrorLines, l => l.Contains("at least one listener", StringComparison.Ordinal));
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task ACertificateThatCannotBeLoadedStopsTheServerNamingTheKey()
    {
        var certificate = Path.Combine(Path.GetTempPath(), $"kestreltcp-bad-cert-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(certificate, "not a certificate");
        try
        {
            var run = await RunServerAsync(new Dictionary<string, string> { ["KestrelTcp__Listeners__default__Tls__CertificatePath"] = certificate });

            AssertExit(ServerExitCodes.InvalidConfiguration, run);
            var line = Assert.Single(run.ErrorLines);
            Assert.Contains($"KestrelTcp:Listeners:default:Tls:CertificatePath: '{certificate}' could not be loaded", line);
            AssertNoStackTrace(run);
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [Fact]
    public async Task AListenerPortInUseStopsTheServerNamingTheListener()
    {
        using var holder = HoldPort(out var port);

        var run = await RunServerAsync(new Dictionary<string, string> { ["KestrelTcp__Listeners__default__Port"] = port.ToString(CultureInfo.InvariantCulture) });

        AssertExit(ServerExitCodes.CannotListen, run);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"KestrelTcp:Listeners:default cannot listen on 127.0.0.1:{port}: the address is already in use", line);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task AnHttpPortInUseStopsTheServerNamingTheUrl()
    {
        using var holder = HoldPort(out var port);

        var run = await RunServerAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });

        AssertExit(ServerExitCodes.CannotListen, run);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains($"The HTTP address http://127.0.0.1:{port} (urls / ASPNETCORE_URLS) is already in use", line);
        AssertNoStackTrace(run);
    }

    private static void AssertExit(int expected, ServerRun run) =>
        Assert.True(run.ExitCode == expected, $"Expected exit code {expected}; {run}");

    private static void AssertNoStackTrace(ServerRun run)
    {
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Error, StringComparison.Ordinal);
    }

    private static Socket HoldPort(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }

    /// <summary>Runs the built server with a working configuration plus <paramref name="environment"/>,
    /// and waits for it to exit (it must: every case here is one it cannot start with).</summary>
    private static async Task<ServerRun> RunServerAsync(Dictionary<string, string> environment)
    {
        var data = Directory.CreateTempSubdirectory("kestreltcp-config-");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KestrelTcp.Server.dll"));
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["KestrelTcp__DataPath"] = data.FullName;
        info.Environment["KestrelTcp__Listeners__default__Address"] = "127.0.0.1";
        info.Environment["KestrelTcp__Listeners__default__Port"] = "0";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ExitTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The server did not exit within {ExitTimeout}:\n{await output}\n{await error}");
        }
        finally
        {
            data.Delete(recursive: true);
        }

        return new ServerRun(process.ExitCode, await output.WaitAsync(ExitTimeout), await error.WaitAsync(ExitTimeout));
    }

    private sealed record ServerRun(int ExitCode, string Output, string Error)
    {
        public IReadOnlyList<string> ErrorLines { get; } = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }
}
