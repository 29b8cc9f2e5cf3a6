namespace KestrelTcp.Server.Dashboard.Contracts;

/// <summary>Send a payload, given as exactly one of text or hex, to the chosen sessions.</summary>
/// <param name="SessionIds">The sessions to send to.</param>
/// <param name="Text">The payload as UTF-8 text.</param>
/// <param name="Hex">The payload as hexadecimal; spaces, dashes and colons between bytes are allowed.</param>
public sealed record SendCommand(IReadOnlyList<string> SessionIds, string? Text, string? Hex);
