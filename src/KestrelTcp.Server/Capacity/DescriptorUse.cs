namespace KestrelTcp.Server.Capacity;

/// <summary>The process's file descriptors against the budget the server keeps (see the README's descriptor budget).</summary>
/// <param name="Limit">The process's descriptor limit (<c>ulimit -n</c>); 0 when unknown or unlimited, and then there is no budget.</param>
/// <param name="Open">Descriptors open now (0 when they cannot be counted: not Linux).</param>
/// <param name="OpenAtStart">Descriptors that were open before the first connection.</param>
/// <param name="Sessions">TCP sessions holding a place in the budget now.</param>
/// <param name="MaxSessions">Sessions the budget allows at once.</param>
/// <param name="HttpConnections">HTTP connections open now (signed-in and anonymous).</param>
/// <param name="MaxHttpConnections">HTTP connections the budget allows at once.</param>
/// <param name="Refused">Connections refused since start because the budget was spent.</param>
public sealed record DescriptorUse(
    long Limit,
    int Open,
    int OpenAtStart,
    int Sessions,
    int MaxSessions,
    int HttpConnections,
    int MaxHttpConnections,
    long Refused);
