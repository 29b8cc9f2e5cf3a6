namespace KestrelTcp.Server.Sessions;

/// <summary>Who asked for an operator command, for the log and the audit trail.</summary>
/// <param name="Name">The user name or API key name.</param>
/// <param name="RemoteAddress">The address the request came from, when known.</param>
public sealed record CommandActor(string Name, string? RemoteAddress);
