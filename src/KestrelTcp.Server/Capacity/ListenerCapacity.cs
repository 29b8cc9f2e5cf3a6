using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Capacity;

/// <summary>One listener's sessions against its limit, its connect rate and its refusals.</summary>
/// <param name="Name">The listener's name.</param>
/// <param name="Sessions">Live sessions.</param>
/// <param name="MaxConnections">Its connection limit.</param>
/// <param name="ConnectsPerSecond">Connections accepted per second over the last sample interval.</param>
/// <param name="Rejections">Connections it refused since start, by reason.</param>
public sealed record ListenerCapacity(string Name, int Sessions, int MaxConnections, double ConnectsPerSecond, ListenerRejections Rejections);
