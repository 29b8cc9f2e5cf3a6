namespace KestrelTcp.Server.Sessions;

/// <summary>
/// One listener's traffic since the process started: its live sessions' counters plus what its closed
/// sessions had counted when they closed, so the figures only grow while sessions come and go.
/// </summary>
/// <param name="Connects">Connections accepted.</param>
/// <param name="Disconnects">Sessions closed.</param>
/// <param name="FramesIn">Frames received.</param>
/// <param name="FramesOut">Frames sent.</param>
/// <param name="BytesIn">Bytes received.</param>
/// <param name="BytesOut">Bytes sent.</param>
internal readonly record struct ListenerTraffic(long Connects, long Disconnects, long FramesIn, long FramesOut, long BytesIn, long BytesOut)
{
    /// <summary>The rates per second from <paramref name="previous"/> to this, over <paramref name="seconds"/>
    /// (all zero for a first sample, when no time has passed).</summary>
    public ListenerRates RatesSince(in ListenerTraffic previous, double seconds, string listener) => new(
        listener,
        Rate(Connects, previous.Connects, seconds),
        Rate(Disconnects, previous.Disconnects, seconds),
        Rate(FramesIn, previous.FramesIn, seconds),
        Rate(FramesOut, previous.FramesOut, seconds),
        Rate(BytesIn, previous.BytesIn, seconds),
        Rate(BytesOut, previous.BytesOut, seconds));

    // A session that counts a last frame after it left the listener can make a figure dip for one
    // sample; a rate is never negative.
    private static double Rate(long current, long previous, double seconds) =>
        seconds <= 0 ? 0 : Math.Round(Math.Max(0, current - previous) / seconds, 2);
}
