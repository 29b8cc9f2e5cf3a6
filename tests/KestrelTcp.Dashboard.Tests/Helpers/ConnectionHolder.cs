using System.Diagnostics;

namespace KestrelTcp.Dashboard.Tests.Helpers;

/// <summary>
/// Many TCP clients held open by a Node.js process (<c>load/hold-connections.mjs</c>), so that a test can
/// have 10,000 sessions without the test process holding both ends of every socket.
/// </summary>
public sealed class ConnectionHolder : IAsyncDisposable
{
    private readonly Process _process;

    private ConnectionHolder(Process process) => _process = process;

    public static async Task<ConnectionHolder> OpenAsync(System.Net.IPEndPoint endPoint, int count, int chattyEvery, TimeSpan timeout)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "load", "hold-connections.mjs");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, endPoint.Address.ToString(), endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), count.ToString(System.Globalization.CultureInfo.InvariantCulture), chattyEvery.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var holder = new ConnectionHolder(process);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(timeout);
            if (line != $"ready {count}")
            {
                throw new InvalidOperationException($"hold-connections.mjs said '{line}': {await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(5))}");
            }
        }
        catch
        {
            await holder.DisposeAsync();
            throw;
        }

        return holder;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
