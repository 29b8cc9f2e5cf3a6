namespace KestrelTcp.Server.Api;

/// <summary>The answer of <c>POST /api/nodes/{name}/drain</c>.</summary>
/// <param name="Node">The node that drains.</param>
/// <param name="Sessions">Its live sessions when the drain was asked for.</param>
/// <param name="SessionsPerSecond">How fast they are closed.</param>
/// <param name="AlreadyDraining">True when a drain was already running (nothing new started).</param>
public sealed record DrainResponse(string Node, int Sessions, int SessionsPerSecond, bool AlreadyDraining);
