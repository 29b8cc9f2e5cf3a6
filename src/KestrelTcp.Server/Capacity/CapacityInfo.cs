using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Capacity;

/// <summary>
/// How close the server is to its bounds, and where its load comes from: what an operator looks at to see a
/// flood or a saturated event loop before the devices notice. Rates are over the monitor's last sample
/// interval (<see cref="CapacityMonitor.SampleInterval"/>); the busiest sessions over the last 30 to 60 seconds.
/// </summary>
/// <param name="SampledAt">When the rates were last sampled.</param>
/// <param name="Descriptors">File descriptors against the budget.</param>
/// <param name="Memory">Memory against the configured bounds.</param>
/// <param name="ConnectsPerSecond">Connections accepted per second, over every listener.</param>
/// <param name="DisconnectsPerSecond">Sessions closed per second, over every listener.</param>
/// <param name="Listeners">Each listener's sessions against its limit, connect rate and refusals.</param>
/// <param name="Rejections">Connections refused or failed since start, by reason, over every listener.</param>
/// <param name="Busiest">The ten busiest sessions by bytes and by frames.</param>
/// <param name="EventLoops">Each event loop's load (empty where the event-loop transport does not run: not Linux).</param>
/// <param name="ThreadPool">The .NET thread pool, where HTTP, TLS listeners and background work run.</param>
public sealed record CapacityInfo(
    DateTimeOffset SampledAt,
    DescriptorUse Descriptors,
    MemoryUse Memory,
    double ConnectsPerSecond,
    double DisconnectsPerSecond,
    ListenerCapacity[] Listeners,
    RejectionCounts Rejections,
    BusiestSessions Busiest,
    EventLoopLoad[] EventLoops,
    ThreadPoolUse ThreadPool);
