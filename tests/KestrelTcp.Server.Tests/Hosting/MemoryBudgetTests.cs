using KestrelTcp.Protocols;
using KestrelTcp.Server.Dashboard;
using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Tests.Hosting;

public sealed class MemoryBudgetTests
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;

    [Fact]
    public void TheDefaultsBoundHistoryAndCountEveryTermForAFullServer()
    {
        var listener = new ListenerOptions { MaxConnections = 100_000 };

        var budget = MemoryBudget.Compute(19_000, [listener], new HistoryOptions(), new DashboardOptions(), maxViewers: 100, maxWriteBufferBytes: 64 * KiB);

        Assert.Equal(19_000, budget.Sessions);
        Assert.Equal(19_000 * MemoryBudget.FixedBytesPerSession, budget.SessionStateBytes);

        // Line framing: 8 KiB frames, a 4 KiB read, a 64 KiB output pipe; a 1 MiB outbound queue.
        Assert.Equal(19_000 * (8 * KiB + 4 * KiB + 64 * KiB), budget.IoBufferBytes);
        // 19,000 × 1 MiB of queues would be 18.6 GiB: the outbound budget holds them to 4 KiB each plus 256 MiB.
        Assert.Equal((19_000 * 4 * KiB) + (256 * MiB), budget.OutboundQueueBytes);

        // 19,000 × 16 KiB would be 297 MiB: the process-wide budget holds it to 128 MiB.
        Assert.Equal(128 * MiB, budget.HistoryBytes);
        Assert.Equal(1600, budget.WatchRings);
        Assert.Equal(1600 * (256 + 32) * KiB, budget.WatchRingBytes);

        // 100 dashboard connections that stop reading: three times the 1 MiB backlog, 3 MiB, and a
        // snapshot of the 19,000 sessions in flight each.
        Assert.Equal(100, budget.Viewers);
        Assert.Equal(100 * ((6 * MiB) + (19_000 * MemoryBudget.SnapshotBytesPerSession)), budget.ViewerBytes);
        Assert.Equal(budget.SessionStateBytes + budget.IoBufferBytes + budget.OutboundQueueBytes + budget.HistoryBytes + budget.WatchRingBytes + budget.ViewerBytes, budget.TotalBytes);
    }

    [Fact]
    public void FewSessionsHoldOnlyTheirOwnHistoryAndWatchRings()
    {
        var listener = new ListenerOptions { MaxConnections = 100 };

        var budget = MemoryBudget.Compute(int.MaxValue, [listener], new HistoryOptions(), new DashboardOptions(), maxViewers: 4096, maxWriteBufferBytes: 0);

        Assert.Equal(100, budget.Sessions);
        Assert.Equal(100 * 16 * KiB, budget.HistoryBytes);
        Assert.Equal(100, budget.WatchRings);
        Assert.Equal(100 * (8 * KiB + 4 * KiB + 64 * KiB), budget.IoBufferBytes);
    }

    [Fact]
    public void SessionsAreCountedWhereTheyCostMostUpToEachListenersLimit()
    {
        var small = new ListenerOptions { MaxConnections = 1000, OutboundQueueBytes = 64 * 1024 };
        var large = new ListenerOptions
        {
            MaxConnections = 300,
            OutboundQueueBytes = 4 * 1024 * 1024,
            Framing = new FramingOptions { Kind = FramingKind.LengthPrefixed, MaxFrameBytes = 1024 * 1024 },
        };

        var budget = MemoryBudget.Compute(500, [small, large], new HistoryOptions(), new DashboardOptions(), maxViewers: 0, maxWriteBufferBytes: 64 * KiB, maxTotalOutboundBytes: 4L * 1024 * MiB);

        Assert.Equal(500, budget.Sessions);
        Assert.Equal((300 * 4 * MiB) + (200 * 64 * KiB), budget.OutboundQueueBytes);
        Assert.Equal((300 * (MiB + 4 * KiB + 64 * KiB)) + (200 * (8 * KiB + 4 * KiB + 64 * KiB)), budget.IoBufferBytes);
        Assert.Equal(0, budget.WatchRingBytes);
    }

    [Fact]
    public void TheOutboundBudgetBoundsTheQueuesOfManySessions()
    {
        var listener = new ListenerOptions { MaxConnections = 1000, OutboundQueueBytes = 1024 * 1024 };

        var within = MemoryBudget.Compute(1000, [listener], new HistoryOptions(), new DashboardOptions(), 0, 0, maxTotalOutboundBytes: 2L * 1024 * MiB);
        var bounded = MemoryBudget.Compute(1000, [listener], new HistoryOptions(), new DashboardOptions(), 0, 0, maxTotalOutboundBytes: 16 * MiB);

        Assert.Equal(1000 * MiB, within.OutboundQueueBytes);
        Assert.Equal((1000 * 4 * KiB) + (16 * MiB), bounded.OutboundQueueBytes);
    }

    [Fact]
    public void PlainInlineListenersCountTheEventLoopsSmallerOutputPipeAndBrokersTheirWholeInput()
    {
        var inline = new ListenerOptions { MaxConnections = 100 };
        var tls = new ListenerOptions { MaxConnections = 100, Tls = new ListenerTlsOptions() };
        var broker = new ListenerOptions { MaxConnections = 100, Mode = ListenerMode.Broker };

        var plain = MemoryBudget.Compute(100, [inline], new HistoryOptions(), new DashboardOptions(), 0, 64 * KiB, eventLoopWriteBufferBytes: 16 * KiB);
        var encrypted = MemoryBudget.Compute(100, [tls], new HistoryOptions(), new DashboardOptions(), 0, 64 * KiB, eventLoopWriteBufferBytes: 16 * KiB);
        var relaying = MemoryBudget.Compute(100, [broker], new HistoryOptions(), new DashboardOptions(), 0, 64 * KiB, eventLoopWriteBufferBytes: 16 * KiB, maxReadBufferBytes: MiB);

        Assert.Equal(100 * (8 * KiB + 4 * KiB + 16 * KiB), plain.IoBufferBytes);
        Assert.Equal(100 * (8 * KiB + 4 * KiB + 64 * KiB), encrypted.IoBufferBytes);
        Assert.Equal(100 * (MiB + 16 * KiB), relaying.IoBufferBytes);
    }

    [Fact]
    public void HistoryOffCostsNothing()
    {
        var budget = MemoryBudget.Compute(1000, [new ListenerOptions()], new HistoryOptions { MaxBytesPerSession = 0 }, new DashboardOptions(), 1, 0);

        Assert.Equal(0, budget.HistoryBytes);
    }
}
