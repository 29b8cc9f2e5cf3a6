namespace KestrelTcp.Server.Api;

/// <summary>A payload for one device (<c>POST /api/devices/{id}/send</c>), given as exactly one of
/// <see cref="Text"/>, <see cref="Hex"/> or <see cref="Base64"/>, as for a session.</summary>
/// <param name="Text">The payload as UTF-8 text.</param>
/// <param name="Hex">The payload as hexadecimal digits.</param>
/// <param name="Base64">The payload as base64.</param>
/// <param name="Queue">When the device is offline: queue the message until it next identifies (true) or answer 409 (false, the default).</param>
public sealed record DeviceSendRequest(string? Text = null, string? Hex = null, string? Base64 = null, bool Queue = false);
