using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Sessions;
using KestrelTcp.Testing;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Tests.Cluster;

/// <summary>The dashboard's set of changed remote session ids: each id once, and a bound past which it
/// is dropped and says a snapshot is due.</summary>
public sealed class DashboardRemoteChangesTests
{
    [Fact]
    public void HoldsEachChangedIdOnceWithItsNode()
    {
        var changes = new RemoteSessionChanges(10);
        changes.Add(new RemoteSessionChange("b", [Session("s1"), Session("s2")], []));
        changes.Add(new RemoteSessionChange("b", [Session("s1")], ["s2"]));
        changes.Add(new RemoteSessionChange("c", [], ["s3"]));

        var taken = changes.Take(new Dictionary<string, string>(StringComparer.Ordinal), out var overflowed);

        Assert.False(overflowed);
        Assert.Equal(new Dictionary<string, string> { ["s1"] = "b", ["s2"] = "b", ["s3"] = "c" }, taken);
        Assert.Empty(changes.Take(new Dictionary<string, string>(StringComparer.Ordinal), out _));
    }

    [Fact]
    public void MoreChangesThanTheBoundAreDroppedAndTheTakeSaysItOverflowed()
    {
        var changes = new RemoteSessionChanges(10);
        changes.Add(new RemoteSessionChange("b", [.. Enumerable.Range(0, 11).Select(i => Session($"s{i}"))], []));
        changes.Add(new RemoteSessionChange("b", [Session("after")], []));

        var taken = changes.Take(new Dictionary<string, string>(StringComparer.Ordinal), out var overflowed);

        Assert.True(overflowed);
        Assert.Empty(taken);
        Assert.Equal(1, changes.Overflows);

        // The next interval starts afresh.
        changes.Add(new RemoteSessionChange("b", [Session("next")], []));
        Assert.Equal(["next"], changes.Take(new Dictionary<string, string>(StringComparer.Ordinal), out var again).Keys);
        Assert.False(again);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("20000000")]
    public async Task AnOutOfRangeBoundStopsTheServerNamingTheSetting(string value)
    {
        var settings = new Dictionary<string, string?> { ["KestrelTcp:Dashboard:MaxRemoteChanges"] = value };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings));

        var message = error is OptionsValidationException validation ? string.Join(" ", validation.Failures) : error.ToString();
        Assert.Contains($"KestrelTcp:Dashboard:MaxRemoteChanges must be between 10 and 10000000 (was {value})", message, StringComparison.Ordinal);
    }

    private static SessionInfo Session(string id) => new(id, "default", "127.0.0.1:1", "127.0.0.1:9000", DateTimeOffset.UtcNow, null, null, 0, 0, 0, 0, 0, Encrypted: false, Node: "b");
}
