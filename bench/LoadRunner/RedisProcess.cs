using System.Globalization;

namespace LoadRunner;

/// <summary>A throwaway redis-server on a free loopback port: no persistence, killed with the runner's run.</summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string the nodes are given.</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisProcess> StartAsync()
    {
        var port = ChildProcess.FreePort();
        var process = ChildProcess.Start(null, "taskset",
        [
            "-c", ClusterNode.AllCpus, "redis-server",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--protected-mode", "yes",
            "--maxclients", "1000",
        ]);
        var redis = new RedisProcess(process, port);
        try
        {
            await process.WaitForPortAsync(port, TimeSpan.FromSeconds(15));
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        return redis;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
