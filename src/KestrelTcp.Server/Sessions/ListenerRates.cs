namespace KestrelTcp.Server.Sessions;

/// <summary>One listener's traffic per second over a recent interval (a dashboard sample, a node's heartbeat).</summary>
/// <param name="Listener">The listener's name.</param>
/// <param name="ConnectsPerSecond">Connections accepted per second.</param>
/// <param name="DisconnectsPerSecond">Sessions closed per second.</param>
/// <param name="FramesInPerSecond">Frames received per second.</param>
/// <param name="FramesOutPerSecond">Frames sent per second.</param>
/// <param name="BytesInPerSecond">Bytes received per second.</param>
/// <param name="BytesOutPerSecond">Bytes sent per second.</param>
internal sealed record ListenerRates(
    string Listener,
    double ConnectsPerSecond,
    double DisconnectsPerSecond,
    double FramesInPerSecond,
    double FramesOutPerSecond,
    double BytesInPerSecond,
    double BytesOutPerSecond)
{
    /// <summary>Whether every figure is a finite number at or above zero (what another node sent may not be).</summary>
    public bool IsValid =>
        Valid(ConnectsPerSecond) && Valid(DisconnectsPerSecond) && Valid(FramesInPerSecond)
        && Valid(FramesOutPerSecond) && Valid(BytesInPerSecond) && Valid(BytesOutPerSecond);

    /// <summary>The sum of this and <paramref name="other"/>, under this one's listener name.</summary>
    public ListenerRates Plus(ListenerRates other) => this with
    {
        ConnectsPerSecond = ConnectsPerSecond + other.ConnectsPerSecond,
        DisconnectsPerSecond = DisconnectsPerSecond + other.DisconnectsPerSecond,
        FramesInPerSecond = FramesInPerSecond + other.FramesInPerSecond,
        FramesOutPerSecond = FramesOutPerSecond + other.FramesOutPerSecond,
        BytesInPerSecond = BytesInPerSecond + other.BytesInPerSecond,
        BytesOutPerSecond = BytesOutPerSecond + other.BytesOutPerSecond,
    };

    private static bool Valid(double value) => double.IsFinite(value) && value >= 0;
}
