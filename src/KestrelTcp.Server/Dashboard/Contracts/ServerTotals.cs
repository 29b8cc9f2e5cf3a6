namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>The server's totals at one moment, sampled about once a second; rates are per second
/// since the previous sample.</summary>
/// <param name="Time">When the sample was taken (Unix milliseconds).</param>
/// <param name="Sessions">Live sessions; in a cluster, of every node in the cluster view (the rates and
/// counts below are this node's).</param>
/// <param name="ConnectsPerSecond">Connections accepted per second.</param>
/// <param name="DisconnectsPerSecond">Sessions closed per second.</param>
/// <param name="FramesInPerSecond">Frames received per second.</param>
/// <param name="FramesOutPerSecond">Frames sent per second.</param>
/// <param name="BytesInPerSecond">Bytes received per second.</param>
/// <param name="BytesOutPerSecond">Bytes sent per second.</param>
/// <param name="OpenedTotal">Sessions opened since the server started.</param>
/// <param name="DroppedEvents">Session events the dashboard could not keep up with (it resynchronizes when this grows).</param>
/// <param name="Listeners">The same, per listener.</param>
public sealed record ServerTotals(
    long Time,
    int Sessions,
    double ConnectsPerSecond,
    double DisconnectsPerSecond,
    double FramesInPerSecond,
    double FramesOutPerSecond,
    double BytesInPerSecond,
    double BytesOutPerSecond,
    long OpenedTotal,
    long DroppedEvents,
    IReadOnlyList<ListenerTotals> Listeners);
