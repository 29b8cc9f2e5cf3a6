using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Container;

/// <summary>
/// No container engine runs here, so this does what the image does, step by step: publish as the
/// Dockerfile does, run the entry point as a non-root user with the Dockerfile's environment and a
/// data folder for the volume, probe with the HEALTHCHECK command, then SIGTERM and check the drain.
/// </summary>
[Trait("Category", "Container")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContainerRecipeTests
{
    private const int NobodyId = 65534;

    [Fact]
    public void DockerfileDeclaresANonRootUserPortsVolumeAndHealthCheck()
    {
        var recipe = DockerfileRecipe.Load(Path.Combine(RepositoryPaths.Root, "Dockerfile"));

        Assert.Equal("app", recipe.User);
        Assert.Contains("8080", recipe.Exposed);
        Assert.Contains("9000", recipe.Exposed);
        Assert.Equal(["/data"], recipe.Volumes);
        Assert.Equal("/data", recipe.Environment["KestrelTcp__DataPath"]);
        // The base image's ASPNETCORE_HTTP_PORTS, not ASPNETCORE_URLS beside it (every start would warn).
        Assert.Equal("8080", recipe.Environment["ASPNETCORE_HTTP_PORTS"]);
        Assert.False(recipe.Environment.ContainsKey("ASPNETCORE_URLS"));
        // The drain ends before Docker's default 10 s stop grace runs out.
        Assert.True(TimeSpan.Parse(recipe.Environment["KestrelTcp__DrainTimeout"], CultureInfo.InvariantCulture) < TimeSpan.FromSeconds(10));
        Assert.Contains("healthcheck", recipe.HealthCheck);
        Assert.Equal(["dotnet", "/app/KestrelTcp.Server.dll"], DockerfileRecipe.ExecForm(recipe.EntryPoint!));
    }

    [Fact]
    public async Task PublishedServerRunsAsNonRootPassesItsHealthCheckAndDrainsOnSigterm()
    {
        var recipe = DockerfileRecipe.Load(Path.Combine(RepositoryPaths.Root, "Dockerfile"));
        var work = Directory.CreateTempSubdirectory("kestreltcp-container-");
        work.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        try
        {
            var app = Path.Combine(work.FullName, "app");
            var data = Path.Combine(work.FullName, "data");
            Directory.CreateDirectory(data);
            await PublishAsync(app);

            var asRoot = Environment.UserName == "root";
            if (asRoot)
            {
                await RunAsync("chown", $"{NobodyId}:{NobodyId} {data}");
            }

            var httpPort = FreePort.Pick();
            var tcpPort = FreePort.Pick();
            // What mcr.microsoft.com/dotnet/aspnet:10.0 sets, then the image's settings, with the volume and
            // the ports mapped to this machine.
            var environment = new Dictionary<string, string>(BaseImageEnvironment);
            foreach (var (key, value) in recipe.Environment)
            {
                environment[key] = value;
            }

            environment = new Dictionary<string, string>(environment)
            {
                ["KestrelTcp__DataPath"] = data,
                ["ASPNETCORE_HTTP_PORTS"] = httpPort.ToString(),
                ["HEALTHCHECK_URL"] = recipe.Environment["HEALTHCHECK_URL"].Replace("8080", httpPort.ToString(), StringComparison.Ordinal),
                ["KestrelTcp__Listeners__default__Port"] = tcpPort.ToString(),
                ["KestrelTcp__Listeners__default__Mode"] = "Echo",
                ["KestrelTcp__DrainTimeout"] = "00:00:10",
            };
            var entry = DockerfileRecipe.ExecForm(recipe.EntryPoint!).Select(a => a.Replace("/app/", app + "/", StringComparison.Ordinal)).ToArray();
            var health = DockerfileRecipe.ExecForm(recipe.HealthCheck!).Select(a => a.Replace("/app/", app + "/", StringComparison.Ordinal)).ToArray();

            using var server = Start(entry, environment, asRoot, data);
            var output = new StringBuilder();
            server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            server.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            try
            {
                // The HEALTHCHECK command, retried as the engine would during the start period.
                var healthy = false;
                using var retry = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
                for (var attempt = 0; attempt < 120 && !healthy && !server.HasExited; attempt++)
                {
                    using var probe = Start(health, environment, asRoot, data);
                    await probe.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                    healthy = probe.ExitCode == 0;
                    if (!healthy)
                    {
                        await retry.WaitForNextTickAsync();
                    }
                }

                Assert.True(healthy, "The health check never passed:\n" + output);
                if (asRoot)
                {
                    // setpriv has exec'd the server by now: the process runs as nobody, not root.
                    var status = await File.ReadAllTextAsync($"/proc/{server.Id}/status");
                    Assert.Contains($"Uid:\t{NobodyId}\t", status);
                }

                using var device = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await device.ConnectAsync(new IPEndPoint(IPAddress.Loopback, tcpPort)).WaitAsync(TimeSpan.FromSeconds(10));
                await using var client = new TestTcpClient(device);
                await client.SendLineAsync("hello from a device");
                Assert.Equal("hello from a device", await client.ReceiveLineAsync());

                await RunAsync("kill", $"-TERM {server.Id}");

                Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(15)), "The session was not closed by the drain.");
                await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(0, server.ExitCode);
                var log = output.ToString();
                Assert.True(log.Contains("Draining 1 sessions", StringComparison.Ordinal), log);
                Assert.False(log.Contains("Overriding address", StringComparison.Ordinal), log);
                Assert.False(log.Contains("Overriding HTTP_PORTS", StringComparison.Ordinal), log);
                // The first-run password is in the volume, not in the container's log.
                var password = (await File.ReadAllTextAsync(Path.Combine(data, "initialAdminPassword"))).Trim();
                Assert.DoesNotContain(password, log, StringComparison.Ordinal);
                Assert.Contains("initialAdminPassword", log, StringComparison.Ordinal);
            }
            finally
            {
                if (!server.HasExited)
                {
                    server.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The environment the ASP.NET runtime image itself sets (docker inspect of aspnet:10.0).</summary>
    private static readonly Dictionary<string, string> BaseImageEnvironment = new()
    {
        ["APP_UID"] = "1654",
        ["ASPNETCORE_HTTP_PORTS"] = "8080",
        ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
    };

    private static async Task PublishAsync(string output)
    {
        var project = Path.Combine(RepositoryPaths.Root, "src", "KestrelTcp.Server", "KestrelTcp.Server.csproj");
        var skipNpm = Directory.Exists(Path.Combine(RepositoryPaths.Root, "node_modules")) ? "-p:SkipNpm=true" : string.Empty;
        await RunAsync("dotnet", $"publish \"{project}\" -c Release -o \"{output}\" -nologo -v:q {skipNpm}", TimeSpan.FromMinutes(5));
        Assert.True(File.Exists(Path.Combine(output, "KestrelTcp.Server.dll")));
        Assert.True(File.Exists(Path.Combine(output, "appsettings.json")));
        Assert.True(File.Exists(Path.Combine(output, "wwwroot", "index.html")));
        Assert.False(File.Exists(Path.Combine(output, "wwwroot", "package.json")));
    }

    private static Process Start(string[] command, Dictionary<string, string> environment, bool dropToNobody, string workingDirectory)
    {
        var info = new ProcessStartInfo
        {
            FileName = dropToNobody ? "setpriv" : command[0],
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        if (dropToNobody)
        {
            foreach (var argument in new[] { $"--reuid={NobodyId}", $"--regid={NobodyId}", "--clear-groups", "--" })
            {
                info.ArgumentList.Add(argument);
            }

            info.ArgumentList.Add(command[0]);
        }

        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        // A clean environment: only what the image would have, plus PATH and HOME for the runtime.
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        info.Environment["HOME"] = workingDirectory;
        info.Environment["DOTNET_ROOT"] = Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "/usr/share/dotnet";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
    }

    private static async Task RunAsync(string file, string arguments, TimeSpan? timeout = null)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
