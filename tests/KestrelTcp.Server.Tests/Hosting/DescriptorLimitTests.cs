using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using KestrelTcp.Server.Hosting;
using KestrelTcp.Server.Tests.Helpers;
using KestrelTcp.Server.Tests.Security;
using KestrelTcp.Testing;

namespace KestrelTcp.Server.Tests.Hosting;

/// <summary>
/// The server near its file-descriptor limit, as a process of its own (the limit is per process): the
/// sessions stop at their budget below the limit, further connections are refused (and the refusals
/// logged once), the process stays up (out of descriptors, the runtime could not load an assembly and
/// would die), the sessions it has are served, and new ones are taken as soon as others leave.
/// </summary>
public sealed class DescriptorLimitTests
{
    private const int DescriptorLimit = 700;

    [Fact]
    public async Task SessionsStopAtTheirDescriptorBudgetAndTheServerStaysUp()
    {
        var data = Directory.CreateTempSubdirectory("kestreltcp-fdlimit-");
        var port = FreePort.Pick();
        var output = new StringBuilder();
        using var server = StartServer(port, data.FullName, output);
        var clients = new List<TestTcpClient>();
        try
        {
            clients.Add(await LimitedServerProcess.ConnectWhenServedAsync(port, server, output));
            var budget = int.Parse(Regex.Match(await WaitForOutputAsync(output, "Sessions may use", server), @"Sessions may use (\d+) file descriptors").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(budget, 50, DescriptorLimit - DescriptorBudget.Reserve);

            for (var i = 1; i < budget + 60; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port).Within();
                clients.Add(new TestTcpClient(socket));
            }

            // Past the budget, connections are refused: closed by the server, said once in the log.
            Assert.True(await clients[^1].WaitForCloseAsync(TimeSpan.FromSeconds(15)), "The connection past the budget was not closed.");
            await WaitForOutputAsync(output, "Connections refused: the sessions are at their budget", server);

            // Those within it are served.
            foreach (var client in new[] { clients[0], clients[budget - 1] })
            {
                await client.SendLineAsync("still here");
                Assert.Equal("still here", await client.ReceiveLineAsync());
            }

            // Sessions leave; a new connection gets one again.
            foreach (var client in clients.Take(20))
            {
                await client.DisposeAsync();
            }

            clients.RemoveRange(0, 20);
            var later = await LimitedServerProcess.ConnectWhenServedAsync(port, server, output);
            clients.Add(later);

            Assert.False(server.HasExited, $"The server exited:\n{output}");
            lock (output)
            {
                var log = output.ToString();
                Assert.Equal(1, CountOf(log, "Connections refused: the sessions are at their budget"));
                Assert.DoesNotContain("Out of memory", log, StringComparison.Ordinal);
                Assert.DoesNotContain("cannot accept connections", log, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }

            data.Delete(recursive: true);
        }
    }

    private static Process StartServer(int port, string data, StringBuilder output) =>
        LimitedServerProcess.Start(DescriptorLimit, port, FreePort.Pick(), data, output, new Dictionary<string, string?>
        {
            ["Logging__LogLevel__KestrelTcp.Server.Sessions.Listener"] = "Information",
        });

    /// <summary>Waits for a line of the server's output holding <paramref name="text"/>, and returns it.</summary>
    private static async Task<string> WaitForOutputAsync(StringBuilder output, string text, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            lock (output)
            {
                if (output.ToString().Split('\n').FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } line)
                {
                    return line;
                }

                Assert.True(DateTime.UtcNow < deadline && !server.HasExited, $"The server never said '{text}':\n{output}");
            }

            await Task.Delay(50);
        }
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
