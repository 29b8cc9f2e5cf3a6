using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KestrelTcp.Server.Cluster;

/// <summary>
/// The one Redis connection of a clustered node, shared by the directory, the command channel, the
/// SignalR backplane and the Data Protection key ring. It is made with <c>abortConnect=false</c>: a node
/// starts, and serves its own devices, when Redis is down, and the connection comes back by itself.
/// Nothing on the data path uses it.
/// </summary>
internal sealed class ClusterRedis : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;

    public ClusterRedis(IOptions<ClusterOptions> options, LocalNode local)
    {
        var value = options.Value;
        Keys = new ClusterKeys(value.KeyPrefix);
        _configuration = ConfigurationOptions.Parse(value.Redis ?? string.Empty);
        _configuration.AbortOnConnectFail = false;
        _configuration.ClientName ??= $"kestreltcp-{local.Name}";
        // A slow Redis makes the cluster's own loops wait, never a device: bound how long.
        _configuration.AsyncTimeout = Math.Min(_configuration.AsyncTimeout, 5000);
        _configuration.SyncTimeout = Math.Min(_configuration.SyncTimeout, 5000);
        Endpoint = string.Join(",", _configuration.EndPoints.Select(e => e.ToString()));
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(_configuration), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ClusterKeys Keys { get; }

    /// <summary>The Redis endpoints, for logs (no password).</summary>
    public string Endpoint { get; }

    /// <summary>The connection; the first call connects (and returns even if Redis is down).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => _connection.Value;

    public bool IsConnected => _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully && _connection.Value.Result.IsConnected;

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            try
            {
                var connection = await _connection.Value.ConfigureAwait(false);
                await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                connection.Dispose();
            }
            catch (RedisException)
            {
                // Closing a connection that never worked: nothing to release.
            }
        }
    }
}
