using System.Net;

namespace KestrelTcp.Server.Hosting;

/// <summary>The address of a TCP listener (not an HTTP endpoint): <see cref="DescriptorGatedTransportFactory"/>
/// gives its accepts the sessions' gate.</summary>
internal class SessionEndPoint(IPAddress address, int port) : IPEndPoint(address, port);
