using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Helpers;

/// <summary>
/// The built server as a process of its own under a file-descriptor limit (the limit is per process), with
/// an Echo listener on 127.0.0.1, for tests of what happens near that limit. Its output is collected.
/// </summary>
internal static class LimitedServerProcess
{
    /// <param name="descriptorLimit">The process's <c>ulimit -n</c>.</param>
    /// <param name="tcpPort">The Echo listener's port.</param>
    /// <param name="httpPort">The HTTP port.</param>
    /// <param name="data">The server's DataPath.</param>
    /// <param name="output">Collects stdout and stderr, line by line (lock it to read).</param>
    /// <param name="environment">More environment variables.</param>
    /// <param name="readStandardOutput">False to leave stdout redirected and never read (a stalled log
    /// shipper): once the pipe is full, every console write blocks. stderr is still collected.</param>
    public static Process Start(int descriptorLimit, int tcpPort, int httpPort, string data, StringBuilder output, IReadOnlyDictionary<string, string?>? environment = null, bool readStandardOutput = true)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "KestrelTcp.Server.dll");
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { "-c", $"ulimit -n {descriptorLimit} && exec dotnet \"$0\"", dll })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        info.Environment["KestrelTcp__DataPath"] = data;
        info.Environment["KestrelTcp__Listeners__default__Address"] = "127.0.0.1";
        info.Environment["KestrelTcp__Listeners__default__Port"] = tcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["KestrelTcp__Listeners__default__Mode"] = "Echo";
        info.Environment["KestrelTcp__Listeners__default__Framing__Kind"] = "Line";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        if (readStandardOutput)
        {
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
        }
        return process;
    }

    /// <summary>Connects until a connection is served (an echo comes back): the server may still be
    /// starting, or a session that left may not have given its place back yet.</summary>
    public static async Task<TestTcpClient> ConnectWhenServedAsync(int port, Process server, StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(server.HasExited, $"The server exited:\n{output}");
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
                var client = new TestTcpClient(socket);
                await client.SendLineAsync("ready?");
                Assert.Equal("ready?", await client.ReceiveLineAsync(TimeSpan.FromSeconds(10)));
                return client;
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException && DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(100);
            }
        }
    }
}
