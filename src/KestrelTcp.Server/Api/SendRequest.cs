namespace KestrelTcp.Server.Api;

/// <summary>
/// A payload to send, given as exactly one of <see cref="Text"/> (UTF-8), <see cref="Hex"/> or
/// <see cref="Base64"/>. It is framed by each target session's listener.
/// </summary>
/// <param name="Text">The payload as UTF-8 text.</param>
/// <param name="Hex">The payload as hexadecimal digits; spaces, dashes and colons between bytes are allowed.</param>
/// <param name="Base64">The payload as base64.</param>
/// <param name="SessionIds">For <c>POST /api/send</c>: the sessions to send to.</param>
public sealed record SendRequest(string? Text = null, string? Hex = null, string? Base64 = null, string[]? SessionIds = null);
