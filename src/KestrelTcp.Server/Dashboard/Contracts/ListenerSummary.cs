using KestrelTcp.Server.Hosting;

namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>A TCP listener as the dashboard shows it (for broadcast targets and the session table).</summary>
/// <param name="Name">The listener's name.</param>
/// <param name="EndPoint">The bound address and port.</param>
/// <param name="Mode">Monitor, Echo or Broker.</param>
/// <param name="Framing">The framing, described for people (for example "Line, max 8192 bytes").</param>
/// <param name="MaxConnections">The listener's connection limit.</param>
public sealed record ListenerSummary(string Name, string EndPoint, ListenerMode Mode, string Framing, int MaxConnections);
