using KestrelTcp.Server.Dashboard;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace KestrelTcp.Server.Hosting;

/// <summary>
/// The most memory the server's connections can make it hold, from its configuration alone: printed at
/// start so an operator can size a container. Each term is a bound the server enforces, except
/// <see cref="FixedBytesPerSession"/>, an estimate of what a session costs before it sends anything.
/// </summary>
/// <param name="Sessions">Sessions at once: the descriptor budget's, or the listeners' limits together when smaller.</param>
/// <param name="SessionStateBytes">Sessions × <see cref="FixedBytesPerSession"/>.</param>
/// <param name="IoBufferBytes">Each session's input (a frame being assembled and one read) and output pipe.</param>
/// <param name="OutboundQueueBytes">The outbound queues: each session's at its limit (a single frame may pass the limit on an
/// empty queue), at most each session's free allowance plus <see cref="KestrelTcpOptions.MaxTotalOutboundBytes"/>.</param>
/// <param name="HistoryBytes">The histories: sessions × <see cref="HistoryOptions.MaxBytesPerSession"/>, at most <see cref="HistoryOptions.MaxTotalBytes"/>.</param>
/// <param name="WatchRings">Dashboard watch rings: one per watched session, shared by its viewers.</param>
/// <param name="WatchRingBytes"><paramref name="WatchRings"/> × <see cref="DashboardOptions.TrafficBufferBytes"/>.</param>
/// <param name="Viewers">Dashboard connections at once (<see cref="DashboardOptions.MaxConnections"/>).</param>
/// <param name="ViewerBytes">What those connections hold when none of them reads: each about three times
/// <see cref="DashboardOptions.MaxViewerBacklogBytes"/> plus <see cref="FixedBytesPerViewer"/> (measured), plus
/// the one session snapshot or delta it may have in flight (<see cref="SnapshotBytesPerSession"/> a session).</param>
internal sealed record MemoryBudget(
    long Sessions,
    long SessionStateBytes,
    long IoBufferBytes,
    long OutboundQueueBytes,
    long HistoryBytes,
    long WatchRings,
    long WatchRingBytes,
    long Viewers = 0,
    long ViewerBytes = 0)
{
    /// <summary>What a dashboard connection costs besides its backlog: SignalR's connection, pipes and
    /// WebSocket buffers (about 3 MB measured for one that stopped reading, see <c>SlowViewerTests</c>).</summary>
    public const long FixedBytesPerViewer = 3L * 1024 * 1024;

    /// <summary>A session's row in a dashboard snapshot while the push is in flight: the row object and its
    /// JSON (about 300 and 400 bytes), rounded up. A browser has at most one snapshot or delta in flight, and
    /// its backlog holds each session at most once.</summary>
    public const long SnapshotBytesPerSession = 1024;

    /// <summary>
    /// What a session costs while idle: the session, its connection, pipes and socket objects. An
    /// estimate: 6.8 KB of RSS per idle connection was measured by the load benchmark (DESIGN.md,
    /// performance budget of 2026-12-02), and 6.9 KB of managed heap per idle session in-process
    /// (1,000 sessions, their test clients' sockets included); rounded up to 8 KiB for the objects a
    /// busy session adds (its outbound queue ring, the history's object).
    /// </summary>
    public const long FixedBytesPerSession = 8 * 1024;

    /// <summary>Bytes a read can add to a session's input beyond the frame being assembled: one
    /// buffer segment of the transport's memory pool.</summary>
    public const long ReadSlackBytes = 4096;

    public long TotalBytes => SessionStateBytes + IoBufferBytes + OutboundQueueBytes + HistoryBytes + WatchRingBytes + ViewerBytes;

    /// <summary>The worst case of this server, from its configuration and descriptor budget: what the start-up log
    /// prints and the capacity view compares the process's memory with.</summary>
    public static MemoryBudget ForServer(IServiceProvider services)
    {
        var server = services.GetRequiredService<IOptions<KestrelTcpOptions>>().Value;
        var socket = services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        return Compute(
            services.GetRequiredService<DescriptorBudget>().MaxSessions,
            services.GetRequiredService<Sessions.ListenerCatalog>().All.Select(l => l.Options),
            server.History,
            services.GetRequiredService<IOptions<DashboardOptions>>().Value,
            services.GetRequiredService<DashboardViewers>().MaxConnections,
            socket.MaxWriteBufferSize ?? 0,
            server.MaxTotalOutboundBytes,
            EventLoop.LinuxSockets.IsSupported ? EventLoop.EventLoopTransport.OutputPauseBytes : 0,
            socket.MaxReadBufferSize ?? 0);
    }

    /// <summary>The worst case of a server with these bounds. Sessions are counted on the listeners
    /// where they cost most, up to each listener's limit, until the budget's <paramref name="maxSessions"/>.</summary>
    /// <param name="maxSessions">Sessions the descriptor budget allows (<see cref="int.MaxValue"/> without a limit).</param>
    /// <param name="listeners">Every listener's limits.</param>
    /// <param name="history">The history's bounds.</param>
    /// <param name="dashboard">The dashboard's bounds.</param>
    /// <param name="maxViewers">Dashboard connections at once (<see cref="DashboardOptions.MaxConnections"/>, as the dashboard applies it).</param>
    /// <param name="maxWriteBufferBytes">Kestrel's socket transport's output pipe limit (0 for none, counted as 64 KiB).</param>
    /// <param name="maxTotalOutboundBytes">The process-wide outbound budget (<see cref="KestrelTcpOptions.MaxTotalOutboundBytes"/>).</param>
    /// <param name="eventLoopWriteBufferBytes">The event-loop transport's output pipe limit, for plain inline listeners
    /// where it serves them (0 where it does not: they are counted with <paramref name="maxWriteBufferBytes"/>).</param>
    /// <param name="maxReadBufferBytes">The transports' input pipe limit (0 for none, counted as 1 MiB): a Broker
    /// sender whose fan-out is throttled is not read, and its input fills up to it.</param>
    public static MemoryBudget Compute(
        long maxSessions,
        IEnumerable<ListenerOptions> listeners,
        HistoryOptions history,
        DashboardOptions dashboard,
        long maxViewers,
        long maxWriteBufferBytes,
        long maxTotalOutboundBytes = KestrelTcpOptions.DefaultMaxTotalOutboundBytes,
        long eventLoopWriteBufferBytes = 0,
        long maxReadBufferBytes = 0)
    {
        var pipes = new Pipes(
            maxWriteBufferBytes > 0 ? maxWriteBufferBytes : 64 * 1024,
            eventLoopWriteBufferBytes,
            maxReadBufferBytes > 0 ? maxReadBufferBytes : 1024 * 1024);
        long sessions = 0, io = 0, queues = 0;
        foreach (var listener in listeners.OrderByDescending(l => PerSession(l, pipes)))
        {
            var here = Math.Min(listener.MaxConnections, maxSessions - sessions);
            if (here <= 0)
            {
                break;
            }

            var frame = listener.Framing.EffectiveMaxFrameBytes;
            sessions += here;
            io += here * (Input(listener, pipes) + Output(listener, pipes));
            queues += here * Math.Max(listener.OutboundQueueBytes, frame);
        }

        queues = Math.Min(queues, (sessions * KestrelTcp.Server.Sessions.OutboundBudget.FreeBytes) + maxTotalOutboundBytes);
        var historyOn = history.Frames > 0 && history.MaxBytesPerSession > 0;
        var historyBytes = historyOn ? Math.Min(history.MaxTotalBytes, sessions * history.MaxBytesPerSession) : 0;
        var rings = Math.Min(sessions, maxViewers * dashboard.MaxWatchedSessions);
        var viewerBytes = maxViewers * ((3 * dashboard.MaxViewerBacklogBytes) + FixedBytesPerViewer + (sessions * SnapshotBytesPerSession));
        return new MemoryBudget(sessions, sessions * FixedBytesPerSession, io, queues, historyBytes, rings, rings * dashboard.TrafficBufferBytes, maxViewers, viewerBytes);
    }

    private static long PerSession(ListenerOptions listener, Pipes pipes) =>
        FixedBytesPerSession + Input(listener, pipes) + Output(listener, pipes) + Math.Max(listener.OutboundQueueBytes, listener.Framing.EffectiveMaxFrameBytes);

    /// <summary>A frame being assembled and one read; a Broker session's whole input pipe (see <see cref="Compute"/>).</summary>
    private static long Input(ListenerOptions listener, Pipes pipes)
    {
        var frame = listener.Framing.EffectiveMaxFrameBytes + ReadSlackBytes;
        return listener.Mode == ListenerMode.Broker ? Math.Max(frame, pipes.Read) : frame;
    }

    private static long Output(ListenerOptions listener, Pipes pipes) =>
        pipes.EventLoopWrite > 0 && listener.InlineScheduling && listener.Tls is null ? pipes.EventLoopWrite : pipes.Write;

    private readonly record struct Pipes(long Write, long EventLoopWrite, long Read);
}
