namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>Send a payload, given as exactly one of text or hex, to every session of a listener.</summary>
/// <param name="Listener">The listener's name.</param>
/// <param name="Text">The payload as UTF-8 text.</param>
/// <param name="Hex">The payload as hexadecimal.</param>
public sealed record BroadcastCommand(string Listener, string? Text, string? Hex);
