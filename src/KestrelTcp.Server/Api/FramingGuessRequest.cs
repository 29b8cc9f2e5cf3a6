namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>POST /api/framing/guess</c>: bytes from an unknown device.</summary>
/// <param name="Input">The bytes, as text, hex or base64; at most <see cref="FramingLab.MaxInputBytes"/> bytes once decoded.</param>
/// <param name="InputEncoding"><c>text</c> (UTF-8, the default), <c>hex</c> or <c>base64</c>.</param>
public sealed record FramingGuessRequest(string? Input, string? InputEncoding = null);
