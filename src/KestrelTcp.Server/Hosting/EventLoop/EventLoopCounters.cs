namespace KestrelTcp.Server.Hosting.EventLoop;

/// <summary>What one event loop has done since it started; two of these a known time apart give its load.</summary>
/// <param name="Index">The loop's number, from 0.</param>
/// <param name="Busy">Time spent handling events rather than waiting for them.</param>
/// <param name="Wakeups">Returns from <c>epoll_wait</c> with work to do.</param>
/// <param name="Events">Socket events handled.</param>
/// <param name="Connections">Connections registered with the loop now.</param>
internal readonly record struct EventLoopCounters(int Index, TimeSpan Busy, long Wakeups, long Events, int Connections);
