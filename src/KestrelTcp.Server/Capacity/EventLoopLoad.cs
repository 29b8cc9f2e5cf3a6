namespace KestrelTcp.Server.Capacity;

/// <summary>One event loop's load over the last sample interval.</summary>
/// <param name="Index">The loop's number, from 0.</param>
/// <param name="BusyPercent">Share of the interval the loop's thread spent handling events rather than waiting for
/// them: near 100 the loop is saturated and its sessions wait for each other.</param>
/// <param name="WakeupsPerSecond">Times per second the loop woke with work.</param>
/// <param name="EventsPerSecond">Socket events handled per second.</param>
/// <param name="Connections">Connections on the loop now.</param>
public sealed record EventLoopLoad(int Index, double BusyPercent, double WakeupsPerSecond, double EventsPerSecond, int Connections);
