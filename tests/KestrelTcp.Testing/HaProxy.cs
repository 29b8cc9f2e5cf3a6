using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KestrelTcp.Testing;

/// <summary>
/// A real HAProxy (the Debian package, installed by test.sh) in TCP mode as a child process: frontend
/// <see cref="V1Port"/> forwards to the backend with <c>send-proxy</c>, <see cref="V2Port"/> with
/// <c>send-proxy-v2</c>, all on loopback. Started with <c>-db</c> (foreground), killed when disposed.
/// </summary>
public sealed class HaProxy : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly StringBuilder _output = new();
    private readonly string _folder;
    private readonly Process _process;

    private HaProxy(string folder, Process process, int v1Port, int v2Port)
    {
        _folder = folder;
        _process = process;
        V1Port = v1Port;
        V2Port = v2Port;
    }

    public int V1Port { get; }

    public int V2Port { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts HAProxy in front of <paramref name="backend"/> and waits until its frontends accept.</summary>
    public static async Task<HaProxy> StartAsync(IPEndPoint backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var (v1, v2, probe) = (FreePort.Pick(), FreePort.Pick(), FreePort.Pick());
        var folder = Path.Combine(Path.GetTempPath(), "kestreltcp-haproxy", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "haproxy.cfg");
        var server = string.Create(CultureInfo.InvariantCulture, $"{backend.Address}:{backend.Port}");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            global
                maxconn 256
            defaults
                mode tcp
                timeout connect 5s
                timeout client 60s
                timeout server 60s
            frontend probe
                bind 127.0.0.1:{probe}
                tcp-request connection reject
            frontend v1
                bind 127.0.0.1:{v1}
                default_backend send_proxy_v1
            frontend v2
                bind 127.0.0.1:{v2}
                default_backend send_proxy_v2
            backend send_proxy_v1
                server s1 {server} send-proxy
            backend send_proxy_v2
                server s2 {server} send-proxy-v2

            """));

        var info = new ProcessStartInfo(FindExecutable()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-f", config, "-db" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start haproxy.");
        var haproxy = new HaProxy(folder, process, v1, v2);
        process.OutputDataReceived += (_, e) => haproxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => haproxy.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The probe frontend refuses every connection, so waiting on it opens nothing to the backend.
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AcceptsAsync(probe))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await haproxy.DisposeAsync();
                throw new InvalidOperationException($"haproxy did not start:\n{haproxy.Output}");
            }

            await Task.Delay(50);
        }

        return haproxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string FindExecutable()
    {
        foreach (var candidate in new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("haproxy is not installed: test.sh installs it (apt-get install haproxy).");
    }
}
