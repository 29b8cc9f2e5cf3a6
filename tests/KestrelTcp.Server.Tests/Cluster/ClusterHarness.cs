using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>
/// A real redis-server and in-process nodes on it, each a real <see cref="TestServer"/> with
/// <c>KestrelTcp:Cluster:Redis</c> and its own <c>NodeName</c>, sharing one <see cref="TestDirectory"/>.
/// </summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    private readonly List<TestServer> _servers = [];
    private readonly List<ConnectionMultiplexer> _connections = [];

    private ClusterHarness(RedisServer redis) => Redis = redis;

    public RedisServer Redis { get; }

    public TestDirectory Directory { get; } = new();

    public static async Task<ClusterHarness> StartAsync() => new(await RedisServer.StartAsync());

    /// <summary>Starts node <paramref name="name"/>, Up in the directory, and waits until it takes commands.</summary>
    public async Task<TestServer> StartNodeAsync(string name, IDictionary<string, string?>? settings = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["KestrelTcp:Cluster:Redis"] = Redis.ConfigurationString,
            ["KestrelTcp:Cluster:NodeName"] = name,
            ["KestrelTcp:Cluster:CommandTimeout"] = "00:00:01.5",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var server = await TestServer.StartAsync(config, builder => builder.Services.AddSingleton<IClusterView>(new TestClusterView(Directory, name)));
        _servers.Add(server);
        Directory.AddNode(name);
        await server.GetRequiredService<CommandChannel>().Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        return server;
    }

    /// <summary>A node that is Up in the directory and subscribed to its command channel, but never
    /// answers: it takes every request and drops it. Completes once subscribed.</summary>
    public async Task<List<string>> StartSilentNodeAsync(string name)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(Redis.ConfigurationString);
        _connections.Add(connection);
        var taken = new List<string>();
        var keys = new ClusterKeys("kestreltcp");
        await connection.GetSubscriber().SubscribeAsync(keys.Commands(name), (_, message) =>
        {
            lock (taken)
            {
                taken.Add(message.ToString());
            }
        });
        Directory.AddNode(name);
        return taken;
    }

    /// <summary>A plain Redis connection, for publishing what a node would not.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(Redis.ConfigurationString);
        _connections.Add(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        foreach (var connection in _connections)
        {
            await connection.CloseAsync();
            connection.Dispose();
        }

        await Redis.DisposeAsync();
    }
}
