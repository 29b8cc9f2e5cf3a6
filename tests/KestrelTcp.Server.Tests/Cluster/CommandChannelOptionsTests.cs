using KestrelTcp.Testing;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>The command channel's bounds are validated at start, naming the setting.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CommandChannelOptionsTests
{
    [Theory]
    [InlineData("MaxCommandBytes", "1024")]
    [InlineData("MaxPendingCommands", "0")]
    [InlineData("MaxConcurrentRemoteCommands", "0")]
    public async Task AnOutOfRangeBoundStopsTheServerNamingTheKey(string key, string value)
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["KestrelTcp:Cluster:Redis"] = redis.ConfigurationString,
            ["KestrelTcp:Cluster:NodeName"] = "a",
            [$"KestrelTcp:Cluster:{key}"] = value,
        };

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestServer.StartAsync(settings)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains($"KestrelTcp:Cluster:{key}", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }
}
