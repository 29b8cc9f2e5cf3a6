using System.Globalization;

namespace LoadRunner;

/// <summary>One server × one scenario: start the server on CPU 0, run `ktcp bench` on CPU 1, stop.</summary>
internal static class LoadRun
{
    public const int ServerCpu = 0;
    public const int ClientCpu = 1;

    public static async Task<BenchResult> RunAsync(ServerSpec spec, Scenario scenario, RunOptions options)
    {
        var port = ChildProcess.FreePort();
        var data = Directory.CreateTempSubdirectory("kestreltcp-bench-").FullName;
        var httpPort = ChildProcess.FreePort();
        var (file, arguments, environment) = spec.Command(port, httpPort, data);
        if (spec.IsKestrelTcp)
        {
            foreach (var (key, value) in (await Credentials.GetAsync()).ServerEnvironment())
            {
                environment[key] = value;
            }
        }
        await using var server = ChildProcess.Start(ServerCpu, file, arguments, environment);
        try
        {
            await server.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
            if (spec.IsKestrelTcp)
            {
                // Kestrel binds the TCP listener before the HTTP endpoint; the dashboard client needs both.
                await server.WaitForPortAsync(httpPort, TimeSpan.FromSeconds(30));
            }

            await using var watcher = spec.IsKestrelTcp ? await DashboardWatcher.StartAsync(httpPort, (await Credentials.GetAsync()).Key) : null;
            var output = await ChildProcess.RunAsync(ClientCpu, "dotnet",
            [
                Paths.Ktcp, "bench", $"127.0.0.1:{port}",
                "--connections", scenario.Connections.ToString(CultureInfo.InvariantCulture),
                "--depth", scenario.Depth.ToString(CultureInfo.InvariantCulture),
                "--size", scenario.Size.ToString(CultureInfo.InvariantCulture),
                "--duration", options.Duration.ToString(CultureInfo.InvariantCulture),
                "--warmup", options.Warmup.ToString(CultureInfo.InvariantCulture),
                "--framing", "lp4",
                "--json",
            ], TimeSpan.FromSeconds(options.Duration + options.Warmup + 120));
            var json = output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)];
            return BenchResult.Parse(json);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
