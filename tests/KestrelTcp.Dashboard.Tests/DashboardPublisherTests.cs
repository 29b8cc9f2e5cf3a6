using KestrelTcp.Dashboard.Tests.Helpers;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Dashboard.Contracts;
using KestrelTcp.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelTcp.Dashboard.Tests;

/// <summary>The publisher against a recording hub context, on a real server with real sockets.</summary>
public sealed class DashboardPublisherTests
{
    [Fact]
    public async Task ASlowBrowserNeverHoldsUpOthersAndCatchesUpWithOneCoalescedDelta()
    {
        var hub = new RecordingHubContext();
        await using var server = await TestServer.StartAsync(configure: builder =>
            builder.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub));
        var viewers = server.GetRequiredService<DashboardViewers>();
        var fast = hub.For("fast");
        var slow = hub.For("slow");
        viewers.Connect("fast");
        viewers.Connect("slow");
        await fast.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Any(), "the fast browser's snapshot");
        await slow.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Any(), "the slow browser's snapshot");

        // From here the slow browser takes a push and never finishes it.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        slow.Hold(release.Task);
        var stuckAt = slow.Messages.Count;
        var clients = new List<TestTcpClient> { await server.ConnectAsync() };
        await slow.WaitUntilAsync(m => m.Count > stuckAt, "the push the slow browser is stuck on");
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await server.ConnectAsync());
        }

        await server.WaitForSessionCountAsync(6);
        var ids = server.SessionIds();
        await fast.WaitUntilAsync(m => Upserted(m).IsSupersetOf(ids), "the fast browser sees all six sessions");
        // Nothing more went to the stuck browser after the one flush it is stuck on (a flush may carry a
        // delta and a totals sample together), and it has not seen the later sessions.
        var whileStuck = slow.Messages.Skip(stuckAt).ToList();
        Assert.True(whileStuck.Count <= 2, $"{whileStuck.Count} pushes reached the stuck browser");
        Assert.True(whileStuck.OfType<SessionsDelta>().Count() <= 1);
        Assert.False(Upserted(slow.Messages).IsSupersetOf(ids));

        release.SetResult();
        await slow.WaitUntilAsync(m => Upserted(m).IsSupersetOf(ids), "the slow browser catches up");
        var catchUp = slow.Messages.Skip(stuckAt + 1).OfType<SessionsDelta>().ToList();
        Assert.Single(catchUp, d => d.Upserted.Count >= 5);
        Assert.True(catchUp.Count <= 2, $"caught up in {catchUp.Count} deltas");

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task SendsAResyncSnapshotWhenAViewerAsksForOne()
    {
        var hub = new RecordingHubContext();
        await using var server = await TestServer.StartAsync(configure: builder =>
            builder.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub));
        var viewer = server.GetRequiredService<DashboardViewers>().Connect("browser");
        var browser = hub.For("browser");
        await browser.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Count() == 1, "the first snapshot");

        viewer.RequestSnapshot();

        await browser.WaitUntilAsync(m => m.OfType<DashboardSnapshot>().Count() == 2, "a second snapshot");
    }

    private static HashSet<string> Upserted(IReadOnlyList<object> messages) =>
        [.. messages.OfType<SessionsDelta>().SelectMany(d => d.Upserted).Select(r => r.Id)];
}
