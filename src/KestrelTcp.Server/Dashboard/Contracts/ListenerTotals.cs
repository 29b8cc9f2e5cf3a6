using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>One listener's share of <see cref="ServerTotals"/>; rates are per second over the last sample.</summary>
/// <param name="Name">The listener's name.</param>
/// <param name="Sessions">Live sessions; in a cluster, of every node in the cluster view.</param>
/// <param name="ConnectsPerSecond">Connections accepted per second.</param>
/// <param name="DisconnectsPerSecond">Sessions closed per second.</param>
/// <param name="FramesInPerSecond">Frames received per second.</param>
/// <param name="FramesOutPerSecond">Frames sent per second.</param>
/// <param name="BytesInPerSecond">Bytes received per second.</param>
/// <param name="BytesOutPerSecond">Bytes sent per second.</param>
/// <param name="Rejections">Connections refused since start, by reason.</param>
public sealed record ListenerTotals(
    string Name,
    int Sessions,
    double ConnectsPerSecond,
    double DisconnectsPerSecond,
    double FramesInPerSecond,
    double FramesOutPerSecond,
    double BytesInPerSecond,
    double BytesOutPerSecond,
    ListenerRejections Rejections);
