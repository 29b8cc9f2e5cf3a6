namespace KestrelTcp.Server.Api;

/// <summary>A payload for every online device with a tag (<c>POST /api/tags/{tag}/send</c>), given as
/// exactly one of <see cref="Text"/>, <see cref="Hex"/> or <see cref="Base64"/>.</summary>
/// <param name="Text">The payload as UTF-8 text.</param>
/// <param name="Hex">The payload as hexadecimal digits.</param>
/// <param name="Base64">The payload as base64.</param>
public sealed record TagCommandRequest(string? Text = null, string? Hex = null, string? Base64 = null);
