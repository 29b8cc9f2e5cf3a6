namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>PUT /api/sessions/{id}/device</c>.</summary>
/// <param name="DeviceId">The device the session is: 1 to 128 characters of text, no control characters.</param>
public sealed record DeviceNameRequest(string? DeviceId);
