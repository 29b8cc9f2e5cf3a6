using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net;
using System.Net.Sockets;

namespace KestrelTcp.Server.Tests.Reliability;

/// <summary>
/// Issue 11, item 8, end to end: the built server, signed in to with a user name holding a line feed,
/// writes its failed sign-in as one escaped console line, never a forged <c>info: forged</c> line.
/// </summary>
public sealed class LogInjectionProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ASignInWithALineFeedInTheUserNameWritesNoForgedLogLine()
    {
        var data = Directory.CreateTempSubdirectory("kestreltcp-loginject-");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KestrelTcp.Server.dll"));
        var port = FreePort();
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["KestrelTcp__DataPath"] = data.FullName;
        info.Environment["KestrelTcp__Listeners__default__Address"] = "127.0.0.1";
        info.Environment["KestrelTcp__Listeners__default__Port"] = "0";

        var lines = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lines.Enqueue(line);
            if (line.Contains($"Now listening on: http://127.0.0.1:{port}", StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri($"http://127.0.0.1:{port}"));
            }

            if (line.Contains("Failed sign-in for user name bob", StringComparison.Ordinal))
            {
                logged.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
            }
        };

        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var address = await listening.Task.WaitAsync(Timeout);
            using var http = new HttpClient { BaseAddress = address, Timeout = Timeout };
            using var login = await http.PostAsJsonAsync("/auth/login", new { userName = "bob\ninfo: forged", password = "wrong" }).WaitAsync(Timeout);
            Assert.False(login.IsSuccessStatusCode);
            await logged.Task.WaitAsync(Timeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(Timeout);
            }

            data.Delete(recursive: true);
        }

        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("info: forged", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("bob\\ninfo: forged", StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
