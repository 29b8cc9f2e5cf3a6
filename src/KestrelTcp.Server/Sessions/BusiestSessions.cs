namespace KestrelTcp.Server.Sessions;

/// <summary>The busiest live sessions over a recent window (<see cref="SessionActivity"/>).</summary>
/// <param name="WindowSeconds">How long the window is: from the older mark to now, 30 to 60 seconds once the server has run that long.</param>
/// <param name="ByBytes">The top sessions by bytes, busiest first; sessions that moved nothing are left out.</param>
/// <param name="ByFrames">The top sessions by frames, busiest first.</param>
public sealed record BusiestSessions(double WindowSeconds, SessionActivityEntry[] ByBytes, SessionActivityEntry[] ByFrames);
